import base64
import datetime
import json

import pytest
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from plans.models import Committee, Evidence, Update
from reports import compose, periods
from tests import factories
from tests.generate import build_plan
from tests.plans.test_charts import assert_apart, read

Q4 = periods.parse("quarterly", "2023-Q4")


def refs(actions):
    return [action["ref"] for action in actions]


@pytest.fixture
def report(quarter):
    return compose.present(compose.compose(plan=quarter, period=Q4))


def test_summary_counts_each_status_as_at_the_periods_last_month(report):
    counts = {status.label: count for status, count, _ in report["overall"].rows()}
    assert counts == {
        "On track": 2,
        "Medium progress": 1,
        "Significant issues / slippage": 1,
        "Not due to start": 1,
        "Complete": 2,
        "Closed": 1,
        "N/A": 0,
        "On hold": 1,
    }
    assert report["overall"].counted == 8
    assert report["overall"].no_update == 2  # HS.1.4 never updated; HS.1.6 only in April
    assert report["left_out"] == (
        "Not counted: 1 parent (focus) action, 1 Not due to start, 2 with no update yet."
    )


def test_summary_in_words(report):
    assert report["sentence"] == (
        "5 of 8 actions (62%) are on track, complete or closed; 1 (12%) is amber "
        "(Medium progress), 1 (12%) is red (Significant issues / slippage) and "
        "1 (12%) is grey (On hold)."
    )


def test_summary_per_priority_and_theme(report):
    assert [(g.name, g.breakdown.counted) for g in report["priorities"]] == [
        ("Listening to residents", 5)
    ]
    assert [(g.name, g.breakdown.counted, g.not_counted) for g in report["themes"]] == [
        ("Community", 5, 1),
        ("Housing", 3, 3),
    ]
    assert report["themes"][1].sentence == (
        "2 of 3 actions (67%) are on track, complete or closed; 1 (33%) is grey (On hold)."
    )


def test_movement_since_the_previous_quarter(report):
    moved = {key: refs(actions) for key, _, actions in report["movement"]}
    assert moved == {
        "complete": ["CM.1.4", "CM.1.5"],
        "improved": ["CM.1.3"],
        "slipped": ["CM.1.1", "CM.1.2"],
        "new": ["HS.1.1"],
        "other": [],
    }
    assert report["unchanged"] == 3


def test_the_movement_table_counts_each_kind_and_the_unchanged(report):
    html = render_to_string(
        "plans/_movement_table.html",
        {"counts": report["movement_counts"], "caption": "Movement", "print": True},
    )
    words = " ".join(strip_tags(html).split())
    assert (
        "Newly complete 2 Improved 1 Slipped 2 New actions 1 Changed otherwise 0 Unchanged 3"
        in words
    )


def test_exceptions_list_red_then_amber_with_narrative_and_leadership_action(report):
    (red, red_actions), (amber, amber_actions) = report["exceptions"]
    assert (red.label, refs(red_actions)) == ("Significant issues / slippage", ["CM.1.2"])
    assert red.leadership_action == "Leadership Team review and remedy."
    assert (amber.label, refs(amber_actions)) == ("Medium progress", ["CM.1.1"])
    first = amber_actions[0]
    assert (first["lead"], first["due"]) == ("Head of HR", "Jun-24")
    assert first["update"]["narrative"] == (
        "Procurement slipped by six weeks; new supplier starts in May."
    )
    assert first["update"]["month"] == datetime.date(2024, 3, 1)


def test_completed_in_the_period_lists_closed_actions_evidence(report):
    assert refs(report["completed"]) == ["CM.1.4", "CM.1.5"]
    assert report["completed"][1]["evidence"] == [
        {"label": "Committee minutes", "url": "https://example.org/minutes"}
    ]


def test_on_hold_and_not_due_to_start(report):
    assert [(s.label, refs(actions)) for s, actions in report["waiting"]] == [
        ("Not due to start", ["HS.1.2"]),
        ("On hold", ["HS.1.3"]),
    ]


def test_updates_awaiting_sign_off_are_left_out(report):
    item = next(a for a in report["appendix"][0][1] if a["ref"] == "CM.1.3")
    assert item["status"].label == "On track"
    assert item["update"]["narrative"] == "CM.1.3 progress in 2024-02."


def test_appendix_has_every_action_by_theme_in_plan_order(report):
    assert [(theme, refs(actions)) for theme, actions in report["appendix"]] == [
        ("Community", ["CM.1.0", "CM.1.1", "CM.1.2", "CM.1.3", "CM.1.4", "CM.1.5"]),
        ("Housing", ["HS.1.1", "HS.1.2", "HS.1.3", "HS.1.4", "HS.1.5", "HS.1.6"]),
    ]


def test_a_committee_report_covers_only_its_actions(quarter):
    audit = Committee.objects.get(slug="audit")
    report = compose.present(compose.compose(plan=quarter, period=Q4, committee=audit))
    assert report["committee"] == "Audit Committee"
    assert report["overall"].counted == 2
    assert [refs(a) for _, a in report["appendix"]] == [["CM.1.1"], ["HS.1.1"]]
    assert report["sentence"] == (
        "1 of 2 actions (50%) is on track, complete or closed; 1 (50%) is amber (Medium progress)."
    )


def test_annual_report_reviews_each_theme_quarter_by_quarter(quarter):
    report = compose.present(compose.compose(plan=quarter, period=periods.parse("annual", "2023")))
    community = report["year"][0]
    assert community["name"] == "Community"
    assert [(m, b.counted) for m, b in community["quarters"]] == [
        (datetime.date(2023, 6, 1), 0),
        (datetime.date(2023, 9, 1), 0),
        (datetime.date(2023, 12, 1), 5),
        (datetime.date(2024, 3, 1), 5),
    ]
    assert refs(community["completed"]) == ["CM.1.4", "CM.1.5"]
    assert report["previous"]["name"] == "2022/23"


def test_snapshot_is_plain_json_and_presenting_it_runs_no_queries(
    quarter, django_assert_num_queries
):
    snapshot = compose.compose(plan=quarter, period=Q4)
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["document_title"] == (
        "Corporate Plan 2024-28: quarterly report, Quarter 4 2023/24"
    )
    with django_assert_num_queries(0):
        compose.present(snapshot)


@pytest.mark.parametrize("actions", [20, 100])
def test_composing_runs_the_same_queries_whatever_the_size(db, actions, django_assert_num_queries):
    plan = build_plan(actions=actions, months=6)
    committee = Committee.objects.filter(slug__startswith="bench-plan").first()
    # Seven read the measures and recommendations (tests/reports/test_measures.py), one the
    # priorities actions serve.
    with django_assert_num_queries(13):
        compose.compose(plan=plan, period=periods.parse("quarterly", "2024-Q3"))
    with django_assert_num_queries(13):
        compose.compose(plan=plan, period=periods.parse("annual", "2024"), committee=committee)


def test_evidence_of_an_update_awaiting_sign_off_is_left_out(quarter):
    closed = quarter.actions.get(ref="CM.1.5")
    draft = factories.update(
        closed, "2024-02", "Closed", "Draft.", approval=Update.Approval.SUBMITTED
    )
    Evidence.objects.create(update=draft, link="https://example.org/draft", description="Draft")
    report = compose.present(compose.compose(plan=quarter, period=Q4))
    assert report["completed"][1]["evidence"] == [
        {"label": "Committee minutes", "url": "https://example.org/minutes"}
    ]


def test_a_committee_with_few_actions_gets_an_axis_of_whole_actions(quarter):
    """The garbled "0 0.20.40.6..." axis of the Audit Committee's two actions."""
    audit = Committee.objects.get(slug="audit")
    report = compose.present(compose.compose(plan=quarter, period=Q4, committee=audit))
    chart = base64.b64decode(report["charts"]["status"].removeprefix("data:image/svg+xml;base64,"))
    axes, size, _ = read(chart)
    assert [label for label, *_ in axes["x"]] == ["0", "1"]
    assert_apart(axes["x"], size, along="x")
