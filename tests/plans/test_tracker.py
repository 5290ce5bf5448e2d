"""The tracker page: every action grouped as the plan is, with its latest status, and filters
a councillor can combine, bookmark and clear."""

import datetime
import re

import pytest
from django.urls import reverse

from plans.models import Committee, Post, Priority, Round, Update
from tests import factories

FEB = datetime.date(2024, 2, 1)


@pytest.fixture
def council(plan, people, time_machine):
    """A small plan as a council would have it, on 15 February 2024 with the February round
    open. Community (priority "People"): CM.A1.0 is a focus action with two sub-actions."""
    time_machine.move_to(datetime.datetime(2024, 2, 15, 12, 0))
    people_first = Priority.objects.create(plan=plan, name="People")
    community = factories.theme(plan, "Community", sort_order=1)
    community.priority = people_first
    community.save()
    factories.theme(plan, "Environment", sort_order=2)
    audit = Committee.objects.create(name="Audit Committee", slug="audit")
    parent = factories.action(
        plan,
        "CM.A1.0",
        title="Listen to residents",
        director=Post.objects.create(name="Director of Place"),
        member_lead="Leader of the Council",
    )
    survey = factories.action(
        plan,
        "CM.A1.1",
        parent=parent,
        title="Run the residents survey",
        lead="Head of HR",
        due_text="Mar-24",
    )
    results = factories.action(
        plan,
        "CM.A1.2",
        parent=parent,
        title="Publish the survey results",
        lead="Head of Finance",
        due_text="Jun-24",
    )
    results.other_leads.add(Post.objects.get(name="Head of HR"))
    homes = factories.action(
        plan,
        "CM.B1.1",
        workstream="Housing",
        title="Build 100 homes",
        lead="Head of Housing",
        due_text="Dec-23",
    )
    trees = factories.action(
        plan,
        "EN.A1.1",
        theme_name="Environment",
        workstream="Climate",
        title="Plant 1,000 trees",
        due_text="TBC",
    )
    emissions = factories.action(
        plan,
        "EN.A1.2",
        theme_name="Environment",
        workstream="Climate",
        title="Cut council emissions",
    )
    emissions.priorities.add(people_first)  # it also serves People
    audit.actions.add(parent, survey, homes)
    factories.update(survey, "2023-12", "On track", "Questions agreed.")
    factories.update(survey, "2024-01", "Medium progress", "Survey delayed by procurement.")
    factories.update(results, "2024-01", "On track", "On schedule.")
    factories.update(results, "2024-02", "On track", "Designer booked.")
    factories.update(
        homes, "2024-01", "Significant issues / slippage", "Land purchase fell through."
    )
    factories.update(trees, "2024-01", "Complete", "All trees planted.")
    Round.objects.create(plan=plan, month=FEB, due=datetime.date(2024, 3, 8))
    return plan


def page(client, query="", name="plans:tracker", **kwargs):
    response = client.get(reverse(name, kwargs={"slug": "corporate-plan", **kwargs}) + query)
    assert response.status_code == 200
    return response.content.decode()


def refs(html):
    """The refs of the rows shown, in order."""
    return re.findall(r'app-tracker__ref">(?:<strong>)?([A-Z]{2}\.[A-Z]\d\.\d)', html)


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_every_action_is_grouped_by_theme_and_workstream_with_sub_actions_under_their_parent(
    council, client_for
):
    html = page(client_for("councillor"))
    assert refs(html) == ["CM.A1.0", "CM.A1.1", "CM.A1.2", "CM.B1.1", "EN.A1.1", "EN.A1.2"]
    headings = re.findall(r"<(h[34]) [^>]*>([^<]+)</h[34]>", html)
    assert headings == [
        ("h3", "Community"),
        ("h4", "Engagement"),
        ("h4", "Housing"),
        ("h3", "Environment"),
        ("h4", "Climate"),
    ]
    assert "CM.A1.1 , part of CM.A1.0" in text(html)
    assert "6 actions" in text(html)


def test_a_row_shows_the_status_in_words_its_month_the_narrative_and_the_due_date(
    council, client_for
):
    words = text(page(client_for("councillor")))
    assert (
        "CM.A1.1 , part of CM.A1.0 Run the residents survey Head of HR Mar-24 (by 31 March 2024) "
        "Medium progress Jan 2024 Survey delayed by procurement. Missing"
    ) in words
    assert "EN.A1.1 Plant 1,000 trees TBC Complete Jan 2024 All trees planted. Missing" in words
    assert "CM.A1.0 Listen to residents Not set See sub-actions" in words


def test_the_missing_flag_is_for_the_open_rounds_month_and_the_page_says_which(council, client_for):
    words = text(page(client_for("councillor")))
    assert "“This month” is February 2024 : the month of the open update round." in words
    assert "February 2024 update" in words
    assert (
        "CM.A1.2 , part of CM.A1.0 Publish the survey results Head of Finance Jun-24 (by 30 June 2024) On track Feb 2024 Designer booked. Received"
        in words
    )


def test_without_an_open_round_this_month_is_the_latest_month_with_an_update(council, client_for):
    Round.objects.update(closed_at=datetime.datetime(2024, 2, 10, tzinfo=datetime.UTC))
    words = text(page(client_for("councillor")))
    assert "no update round is open, so it is the latest month with any update" in words
    assert "February 2024 update" in words


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status={on_track}", ["CM.A1.2"]),
        ("?rag=red&rag=amber", ["CM.A1.1", "CM.B1.1"]),
        ("?rag=green&month=2023-12-01", ["CM.A1.1"]),
        ("?theme={environment}", ["EN.A1.1", "EN.A1.2"]),
        ("?priority={people}", ["CM.A1.0", "CM.A1.1", "CM.A1.2", "CM.B1.1", "EN.A1.2"]),
        ("?workstream={housing}", ["CM.B1.1"]),
        ("?lead={head_of_hr}", ["CM.A1.1", "CM.A1.2"]),
        ("?director={director}", ["CM.A1.0"]),
        ("?member_lead=Leader+of+the+Council", ["CM.A1.0"]),
        ("?committee={audit}", ["CM.A1.0", "CM.A1.1", "CM.B1.1"]),
        ("?due_from=2024-01-01&due_to=2024-04-30", ["CM.A1.1"]),
        ("?overdue=on", ["CM.B1.1"]),
        ("?missing=on", ["CM.A1.1", "CM.B1.1", "EN.A1.1", "EN.A1.2"]),
        ("?has_children=yes", ["CM.A1.0"]),
        ("?has_children=no&rag=green", ["CM.A1.2"]),
        ("?q=procurement", ["CM.A1.1"]),
        ("?q=survey+results", ["CM.A1.2"]),
        ("?q=cm.b1", ["CM.B1.1"]),
        ("?lead={head_of_hr}&rag=amber&missing=on", ["CM.A1.1"]),
    ],
)
def test_filters_select_the_actions_a_councillor_would_expect(council, client_for, query, expected):
    ids = {
        "on_track": council.statuses.get(label="On track").pk,
        "environment": council.themes.get(name="Environment").pk,
        "people": Priority.objects.get(name="People").pk,
        "housing": council.themes.get(name="Community").workstreams.get(name="Housing").pk,
        "head_of_hr": Post.objects.get(name="Head of HR").pk,
        "director": Post.objects.get(name="Director of Place").pk,
        "audit": Committee.objects.get(slug="audit").pk,
    }
    html = page(client_for("councillor"), query.format(**ids))
    assert refs(html) == expected
    count = len(expected)
    assert f"{count} action{'s' if count > 1 else ''} match" in text(html)


def test_the_filters_in_use_are_named_and_can_be_cleared(council, client_for):
    html = page(client_for("councillor"), "?rag=amber&q=survey&sort=-due")
    words = text(html)
    assert "Filters in use: Search : survey; RAG colour : Amber." in words
    assert 'href="/plans/corporate-plan/?sort=-due">Clear filters</a>' in html
    assert "<title>Filtered: Corporate Plan 2024-28" in html


def test_columns_sort_both_ways_with_empty_values_last(council, client_for):
    client = client_for("councillor")
    assert refs(page(client, "?sort=due")) == [
        "CM.B1.1",
        "CM.A1.1",
        "CM.A1.2",
        "CM.A1.0",
        "EN.A1.1",
        "EN.A1.2",
    ]
    html = page(client, "?sort=-due")
    assert refs(html)[:3] == ["CM.A1.2", "CM.A1.1", "CM.B1.1"]
    assert 'aria-sort="descending"><a class="govuk-link app-sort" href="?sort=due">Due' in html
    assert refs(page(client, "?sort=status"))[:3] == ["CM.A1.2", "CM.A1.1", "CM.B1.1"]


def test_a_sorted_table_names_each_rows_theme_and_workstream(council, client_for):
    words = text(page(client_for("councillor"), "?sort=ref&q=trees"))
    assert "Plant 1,000 trees Environment: Climate" in words


def test_an_update_awaiting_sign_off_is_not_yet_the_status_but_is_not_missing(council, client_for):
    survey = council.actions.get(ref="CM.A1.1")
    factories.update(survey, "2024-02", "Complete", "Survey done.")
    Update.objects.filter(action=survey, month=FEB).update(approval=Update.Approval.SUBMITTED)
    words = text(page(client_for("councillor")))
    assert "Medium progress Jan 2024 Survey delayed by procurement. Received" in words
    assert "Survey done." not in words


def test_a_filter_value_the_plan_does_not_have_says_so_and_is_ignored(council, client_for):
    html = page(client_for("councillor"), "?theme=99999")
    assert "Select a valid choice" in html
    assert len(refs(html)) == 6


def test_a_large_plan_is_shown_a_page_at_a_time(council, client_for, monkeypatch):
    monkeypatch.setattr("plans.views.browse.PAGE_SIZE", 4)
    client = client_for("councillor")
    first = page(client, "?sort=ref")
    assert refs(first) == ["CM.A1.0", "CM.A1.1", "CM.A1.2", "CM.B1.1"]
    assert "6 actions, showing 1 to 4" in text(first)
    assert 'href="?sort=ref&amp;page=2"' in first
    assert refs(page(client, "?sort=ref&page=2")) == ["EN.A1.1", "EN.A1.2"]


def test_the_committee_page_shows_its_actions_with_the_same_filters(council, client_for, people):
    Committee.objects.filter(slug="audit").update(chair=people["councillor"])
    client = client_for("councillor")
    html = page(client, name="plans:committee", committee="audit")
    assert refs(html) == ["CM.A1.0", "CM.A1.1", "CM.B1.1"]
    assert "Chair" in text(html)
    assert refs(page(client, "?rag=red", name="plans:committee", committee="audit")) == ["CM.B1.1"]
    assert 'name="committee"' not in html  # the committee is the page, not a filter
    assert f"committee={Committee.objects.get(slug='audit').pk}" in html  # exports keep it


def test_nothing_on_the_tracker_changes_anything(council, client_for):
    assert (
        client_for("councillor").post(reverse("plans:tracker", args=["corporate-plan"])).status_code
        == 405
    )
