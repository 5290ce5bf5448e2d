"""Months are bounded in one place (plans/dates.py): no update, round or figure outside them is
ever stored, so "this month" is always a real one, and a month typed into an address is a 404
or is ignored with a message, never a server error."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from plans import dates
from plans.models import Committee, Round, Update
from plans.rounds import open_round
from tests import factories


@pytest.fixture
def action(plan):
    made = factories.action(plan, "CM.A1.1", lead="Head of HR")
    factories.update(made, "2024-01", "On track")
    return made


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [(2000, 1, datetime.date(2000, 1, 1)), (2100, 12, datetime.date(2100, 12, 1))],
)
def test_the_first_and_last_months_are_in(year, month, expected):
    assert dates.checked_month(year, month) == expected


@pytest.mark.parametrize(
    ("year", "month"),
    [(1999, 12), (2101, 1), (1, 1), (9999, 12), (2024, 13), (2024, 0), (10**20, 1)],
)
def test_months_outside_them_are_refused_naming_the_range(year, month):
    with pytest.raises(ValueError, match="January 2000 to December 2100"):
        dates.checked_month(year, month)


@pytest.mark.parametrize("month", ["0001-01-01", "9999-12-01"])
def test_the_database_keeps_no_update_outside_them(action, month):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.update(action, datetime.date.fromisoformat(month), "On track")
    assert list(Update.objects.values_list("month", flat=True)) == [datetime.date(2024, 1, 1)]


def test_a_far_future_update_never_becomes_this_month(action, people, client_for):
    client = client_for("clerk")
    response = client.post(
        reverse("plans:update", args=[action.plan.slug, action.ref, 9999, 12]),
        {
            "version": 0,
            "narrative": "Typo",
            "status": action.plan.statuses.first().pk,
            "reason": "Correction",
        },
    )
    assert response.status_code == 404
    assert not Update.objects.filter(month__year=9999).exists()
    page = client.get(reverse("plans:tracker", args=[action.plan.slug])).content.decode()
    assert "December 9999" not in page and "January 2024" in page


@pytest.mark.parametrize("month", [datetime.date(1, 1, 1), datetime.date(9999, 12, 1)])
def test_a_round_outside_them_is_refused_with_a_message(plan, people, month):
    with pytest.raises(ValidationError) as refused:
        open_round(plan=plan, month=month, due=datetime.date(9999, 12, 31), by=people["clerk"])
    assert "January 2000 to December 2100" in str(refused.value.message_dict["month"])
    assert not Round.objects.exists()


MONTHS = ["0001-01-01", "9999-12-01", "2024-13-01", "not-a-month", "2024-01-01\x00"]
PAGES = [
    ("plans:tracker", {}),
    ("plans:dashboard", {}),
    ("plans:export_csv", {}),
    ("plans:export_xlsx", {}),
    ("plans:measures_chart", {}),
    ("plans:dashboard_chart", {"chart": "status"}),
]


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize(("name", "extra"), PAGES)
def test_a_month_out_of_range_or_malformed_in_the_address_is_never_a_server_error(
    action, client_for, name, extra, month
):
    url = reverse(name, kwargs={"slug": action.plan.slug, **extra})
    response = client_for("councillor").get(url, {"month": month})
    assert response.status_code in (200, 400)


def test_the_committee_page_too(action, client_for):
    committee = Committee.objects.create(name="Audit", slug="audit")
    committee.actions.add(action)
    url = reverse("plans:committee", args=[action.plan.slug, "audit"])
    for month in MONTHS:
        assert client_for("councillor").get(url, {"month": month}).status_code in (200, 400)


def test_the_tracker_says_when_it_ignored_a_month(action, client_for):
    url = reverse("plans:tracker", args=[action.plan.slug])
    page = client_for("councillor").get(url, {"month": "0001-01-01"}).content.decode()
    assert "govuk-error-message" in page or "govuk-error-summary" in page


def test_the_dashboard_says_when_it_showed_another_month(action, client_for):
    url = reverse("plans:dashboard", args=[action.plan.slug])
    page = client_for("councillor").get(url, {"month": "0001-01-01"}).content.decode()
    assert "The plan has no month “0001-01-01”, so this shows January 2024" in page


@pytest.mark.parametrize("name", ["plans:export_csv", "plans:export_xlsx"])
def test_a_download_refuses_a_month_the_plan_does_not_have(action, client_for, name):
    url = reverse(name, args=[action.plan.slug])
    response = client_for("councillor").get(url, {"month": "0001-01-01"})
    assert response.status_code == 400
    assert (
        "Status as at: Select a valid choice. 0001-01-01 is not one of" in response.content.decode()
    )


def test_a_workbook_column_headed_with_a_month_outside_them_is_an_error_naming_the_column():
    from plans.excel.read import read_workbook
    from tests import workbooks

    book = workbooks.workbook_bytes(
        {
            "Plan": [
                ["Ref", "Action", "Status (January 2024)", "Status (December 9999)"],
                ["A1", "Recruit", "On track", "On track"],
            ]
        }
    )
    result = read_workbook(book)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Plan", 1, "D")]
    assert "December 9999 is outside the months the tracker records" in result.errors[0].message
