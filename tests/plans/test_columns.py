"""Reading it all on the tracker: every title and narrative in full (a long narrative in a
"Full update" details element, and whole in print), and the columns a reader adds from the URL
(Director, Member lead, Start, Other leads, last month's status and update), never showing a
draft, and with no query per row."""

import datetime
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from plans.models import Action, Committee, Post, Round, Update
from tests import factories
from tests.generate import build_plan

ALL_COLUMNS = "".join(
    f"&columns={key}"
    for key in ("director", "member_lead", "start", "other_leads", "last_status", "last_narrative")
)
LONG = " ".join(f"Sentence {n} of the officer's account of the month." for n in range(60))


@pytest.fixture
def february(plan, people, time_machine):
    """15 February 2024, the February round open: a focus action led by a director and a
    member lead, with other leads, a start, and January's and February's updates."""
    time_machine.move_to(datetime.datetime(2024, 2, 15, 12, 0))
    survey = factories.action(
        plan,
        "CM.A1.1",
        title="Run the residents' survey" + " and listen to what every ward says" * 6,
        lead="Head of HR",
        director=Post.objects.get_or_create(name="Director of Place")[0],
        member_lead="Cabinet Member for Communities",
        start_text="Apr-23",
        due_text="Mar-24",
    )
    survey.other_leads.add(
        Post.objects.get_or_create(name="Head of Policy")[0],
        Post.objects.get_or_create(name="Head of Finance")[0],
    )
    factories.update(survey, "2024-01", "Medium progress", "January: questions drafted.")
    factories.update(survey, "2024-02", "On track", LONG + " The end of February's words.")
    Round.objects.create(plan=plan, month=datetime.date(2024, 2, 1), due=datetime.date(2024, 3, 8))
    return survey


def tracker(client, query=""):
    response = client.get(reverse("plans:tracker", args=["corporate-plan"]) + query)
    assert response.status_code == 200
    return response.content.decode()


def table(html):
    """(headings, rows of cell HTML) of the first table of actions on the page."""
    found = re.search(
        r'<table class="govuk-table app-table--compact app-tracker">.*?</table>', html, re.S
    )
    headings = [
        unescape(re.sub(r"<[^>]+>", "", th)).strip()
        for th in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", found.group(0), re.S)
    ]
    rows = [
        re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        for tr in re.findall(
            r"<tr class=\"govuk-table__row[^\"]*\"><td.*?</tr>", found.group(0), re.S
        )
    ]
    return headings, rows


def text(cell):
    return unescape(re.sub(r"<[^>]+>", " ", cell)).split()


def test_a_long_narrative_is_there_in_full_behind_full_update_and_titles_are_whole(
    february, client_for
):
    html = tracker(client_for("councillor"))
    headings, [row] = table(html)
    cells = dict(zip(headings, row, strict=True))
    assert unescape(re.sub(r"<[^>]+>", "", cells["Action"])) == february.title
    assert "…" not in cells["Action"]
    narrative = cells["Latest update"]
    full = re.search(r'<details class="govuk-details app-full-update.*?</details>', narrative, re.S)
    assert "Full update" in full.group(0)
    assert "The end of February's words." in unescape(full.group(0))
    # Printed whole too: CSS cannot open a details element.
    printed = re.search(r'<span class="app-print-only[^"]*">(.*?)</span>', narrative, re.S)
    assert unescape(printed.group(1)).endswith("The end of February's words.")


def test_a_short_narrative_is_shown_as_it_is(february, client_for):
    html = tracker(client_for("councillor"), "?month=2024-01-01")
    headings, [row] = table(html)
    cell = dict(zip(headings, row, strict=True))["Latest update"]
    assert cell == "January: questions drafted."


def test_the_committee_page_shows_the_narrative_in_full_too(february, client_for):
    cabinet = Committee.objects.create(name="Cabinet", slug="cabinet")
    february.committees.add(cabinet)
    response = client_for("councillor").get(
        reverse("plans:committee", args=["corporate-plan", "cabinet"])
    )
    assert "The end of February&#x27;s words." in response.content.decode()
    assert "Full update" in response.content.decode()


def test_chosen_columns_sit_beside_the_usual_ones_with_last_months_values(february, client_for):
    html = tracker(client_for("councillor"), "?" + ALL_COLUMNS[1:])
    headings, [row] = table(html)
    assert headings == [
        "Ref",
        "Action",
        "Lead officer",
        "Other leads",
        "Director",
        "Member lead",
        "Start",
        "Due",
        "Status, January 2024",
        "Update, January 2024",
        "Status",
        "Month",
        "Latest update",
        "February 2024 update",
    ]
    cells = {heading: text(cell) for heading, cell in zip(headings, row, strict=True)}
    assert cells["Other leads"] == ["Head", "of", "Finance,", "Head", "of", "Policy"]
    assert cells["Director"] == ["Director", "of", "Place"]
    assert cells["Member lead"] == ["Cabinet", "Member", "for", "Communities"]
    assert cells["Start"] == ["Apr-23", "(by", "30", "April", "2023)"]
    assert cells["Status, January 2024"] == ["Medium", "progress"]
    assert cells["Update, January 2024"] == ["January:", "questions", "drafted."]
    assert cells["Status"] == ["On", "track"]


def test_last_month_follows_the_status_as_at_month(february, client_for):
    factories.update(february, "2023-12", "Not started", "December: survey planned.")
    html = tracker(client_for("councillor"), "?month=2024-01-01&columns=last_narrative")
    headings, [row] = table(html)
    cells = {heading: text(cell) for heading, cell in zip(headings, row, strict=True)}
    assert cells["Update, December 2023"] == ["December:", "survey", "planned."]
    assert cells["Latest update"] == ["January:", "questions", "drafted."]


def test_a_councillor_never_sees_a_draft_in_last_months_column(plan, february, client_for):
    Update.objects.filter(month=datetime.date(2024, 1, 1)).update(
        approval=Update.Approval.SUBMITTED
    )
    html = tracker(client_for("councillor"), "?columns=last_status&columns=last_narrative")
    headings, [row] = table(html)
    cells = {heading: text(cell) for heading, cell in zip(headings, row, strict=True)}
    assert cells["Status, January 2024"] == ["No", "update"]
    assert cells["Update, January 2024"] == []
    assert "questions drafted" not in html


def test_columns_are_not_filters(february, client_for):
    html = tracker(client_for("councillor"), "?columns=director")
    assert "<title>Filtered:" not in html
    assert "match the filters" not in html
    assert "Filters in use" not in html
    # The chooser is open, showing what is chosen; "More filters" stays closed.
    assert re.search(
        r'<details class="govuk-details" open>\s*<summary[^>]*><span[^>]*>Columns', html
    )
    assert not re.search(
        r'<details class="govuk-details" open>\s*<summary[^>]*><span[^>]*>More', html
    )


def test_clearing_the_filters_keeps_the_columns_and_the_sort(february, client_for):
    html = tracker(client_for("councillor"), "?rag=amber&columns=director&sort=ref")
    assert 'href="/plans/corporate-plan/?sort=ref&amp;columns=director">Clear filters</a>' in html


def test_a_column_nobody_offers_is_refused_by_the_download(february, client_for):
    response = client_for("councillor").get(
        reverse("plans:export_csv", args=["corporate-plan"]) + "?columns=salary"
    )
    assert response.status_code == 400
    assert "Columns to add" in response.content.decode()


@pytest.fixture
def real_cache():
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        cache.clear()
        yield
        cache.clear()


def test_the_cached_page_is_kept_apart_for_each_choice_of_columns(real_cache, february, client_for):
    client = client_for("councillor")
    assert "Director" not in table(tracker(client))[0]
    assert "Director" in table(tracker(client, "?columns=director"))[0]
    assert "Member lead" in table(tracker(client, "?columns=member_lead"))[0]
    assert "Director" not in table(tracker(client, "?columns=member_lead"))[0]


# As tests/plans/test_browse_queries.py's, and one for every action's other leads.
PAGES = {"tracker": 20, "committee": 20, "csv": 9, "xlsx": 9}


@pytest.mark.parametrize("size", [50, 500])
@pytest.mark.parametrize("name", PAGES)
def test_every_column_chosen_costs_the_same_queries_however_many_actions(
    client_for, django_assert_num_queries, name, size
):
    plan = build_plan(size, 3, slug=f"plan-{size}")
    heads = list(Post.objects.all()[:2])
    Action.other_leads.through.objects.bulk_create(
        Action.other_leads.through(action=action, post=post)
        for action in Action.objects.filter(plan=plan)
        for post in heads
    )
    committee = Committee.objects.filter(actions__plan=plan).first()
    address = {
        "tracker": reverse("plans:tracker", args=[plan.slug]),
        "committee": reverse("plans:committee", args=[plan.slug, committee.slug]),
        "csv": reverse("plans:export_csv", args=[plan.slug]),
        "xlsx": reverse("plans:export_xlsx", args=[plan.slug]),
    }[name]
    client = client_for("councillor")
    with django_assert_num_queries(PAGES[name]):
        response = client.get(address + "?" + ALL_COLUMNS[1:])
    assert response.status_code == 200
    assert heads[0].name in response.content.decode("utf-8", "replace") or name == "xlsx"
