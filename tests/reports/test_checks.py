"""What a report is still missing, before building and publishing: an open round, updates
missing by officer, updates awaiting sign-off, measures without the period's figure; each
with a link to where it is put right. Building is still allowed once the clerk says so."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Committee, Round
from reports import checks, periods
from reports.models import Report
from tests import factories

Q4 = periods.parse("quarterly", "2023-Q4")
MARCH = datetime.date(2024, 3, 1)
FORM = {"period": "quarterly:2023-Q4", "committee": "", "meeting": ""}
LONDON = datetime.timezone(datetime.timedelta(hours=1))


def found(plan, **options):
    return {check.key: check for check in checks.missing(plan=plan, period=Q4, **options)}


def names(check):
    return [gap.name for gap in check.gaps]


def body(response):
    return " ".join(response.content.decode().split())


@pytest.fixture
def march_round(quarter, people):
    """The March 2024 round, still open, with the lead officer holding "Head of Housing"."""
    factories.Post.objects.get(name="Head of Housing").holders.add(people["lead"])
    return Round.objects.create(
        plan=quarter, month=MARCH, due=datetime.date(2024, 4, 9), opened_by=people["clerk"]
    )


def test_an_open_round_and_the_updates_it_still_needs_by_officer(quarter, march_round):
    got = found(quarter)
    (round_gap,) = got["round"].gaps
    assert round_gap.name == "The March 2024 round"
    assert "Still open: updates are due by 9 April 2024" in round_gap.detail
    assert round_gap.url == march_round.get_absolute_url()
    (lead,) = got["updates"].gaps
    # CM.1.4 and HS.1.5 are complete, which carries over; CM.1.3 has an update (awaiting
    # sign-off); the parent CM.1.0 rolls up its children.
    assert [label.split()[0] for label, _ in lead.actions] == [
        "CM.1.2",
        "HS.1.1",
        "HS.1.2",
        "HS.1.3",
        "HS.1.4",
        "HS.1.6",
    ]
    assert lead.detail == "6 updates for March 2024 not written"
    assert lead.url == reverse("plans:chase", args=["corporate-plan", 2024, 3])
    assert lead.actions[0][1] == "/plans/corporate-plan/actions/CM.1.2/update/2024/3/"


def test_a_month_with_no_round_says_so_and_still_counts_what_is_missing(quarter):
    got = found(quarter)
    (gap,) = got["round"].gaps
    assert "No update round was run for March 2024" in gap.detail
    assert gap.url == reverse("plans:rounds", args=["corporate-plan"])
    # Nobody holds the post, so the post owes them; no round to chase, so each links to its
    # update form.
    (owner,) = got["updates"].gaps
    assert owner.name == "Nobody holds the post Head of Housing"
    assert owner.url == "/plans/corporate-plan/actions/CM.1.2/update/2024/3/"


def test_updates_awaiting_sign_off_link_to_their_review(quarter):
    (gap,) = found(quarter)["sign-off"].gaps
    assert gap.name == "CM.1.3 March 2024"
    assert gap.url == "/plans/corporate-plan/actions/CM.1.3/sign-off/2024/3/"


def test_measures_without_a_figure_for_a_period_ending_in_the_report(quarter):
    factories.measure(quarter, "Sickness days", frequency="monthly", values={"2024-01": "2"})
    factories.measure(quarter, "Calls answered", frequency="quarterly", values={"2024-01": "90"})
    factories.measure(quarter, "Complaints", frequency="quarterly", values={"2023-10": "4"})
    gaps = {gap.name: gap for gap in found(quarter)["measures"].gaps}
    assert sorted(gaps) == ["Complaints", "Sickness days"]
    assert gaps["Sickness days"].detail == "No figure for February 2024, March 2024"
    assert gaps["Complaints"].detail == ("No figure for Quarter 4 2023/24 (January to March 2024)")
    assert gaps["Sickness days"].url.endswith("/values/2024/2/")


def test_a_committees_report_checks_only_its_actions(quarter, march_round):
    got = found(quarter, committee=Committee.objects.get(slug="audit"))
    (lead,) = got["updates"].gaps
    assert [label.split()[0] for label, _ in lead.actions] == ["HS.1.1"]
    assert "sign-off" not in got


def test_nothing_missing_is_an_empty_list(plan):
    Round.objects.create(plan=plan, month=MARCH, due=MARCH, closed_at=datetime.datetime.now(LONDON))
    assert checks.missing(plan=plan, period=Q4) == []


def test_asking_for_a_report_shows_what_is_missing_first_then_builds_anyway(
    quarter, client_for, time_machine
):
    time_machine.move_to(datetime.datetime(2024, 4, 3, 10, tzinfo=LONDON), tick=False)
    clerk = client_for("clerk")
    response = clerk.post(reverse("reports:new"), {**FORM, "plan": quarter.pk})
    page = body(response)
    assert "Build the Quarter 4 2023/24 (January to March 2024) report with things missing?" in (
        page
    )
    assert "Updates missing (6)" in page
    assert "Nobody holds the post Head of Housing" in page
    assert 'href="/plans/corporate-plan/actions/HS.1.4/update/2024/3/"' in page
    assert "Updates awaiting sign-off (1)" in page
    assert 'href="/plans/corporate-plan/actions/CM.1.3/sign-off/2024/3/"' in page
    assert not Report.objects.exists()
    assert f'<input type="hidden" name="plan" value="{quarter.pk}">' in page

    response = clerk.post(
        reverse("reports:new"), {**FORM, "plan": quarter.pk, "confirm": "yes"}, follow=True
    )
    report = Report.objects.get()
    assert report.state == "ready"
    page = body(response)
    # The draft's page keeps the list, from today's data, beside its buttons.
    assert "Still missing" in page
    assert "Updates missing (6)" in page


def test_the_checks_run_the_same_queries_however_many_actions_are_missing(
    quarter, march_round, django_assert_num_queries
):
    """The draft's page runs the checks on every view: their cost must not grow with the plan."""
    with CaptureQueriesContext(connection) as before:
        checks.missing(plan=quarter, period=Q4)
    for number in range(8):
        factories.action(quarter, f"CM.9.{number}", lead=f"Officer {number}")
    with django_assert_num_queries(len(before)):
        found = checks.missing(plan=quarter, period=Q4)
    owed = [gap.actions for check in found if check.key == "updates" for gap in check.gaps]
    assert sum(map(len, owed)) >= 8  # the new actions are among those missing
