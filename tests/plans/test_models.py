import datetime

import pytest

from plans.models import Action
from plans.vocabulary import parent_ref, status_matcher
from tests import factories


def test_a_new_plan_gets_the_eight_statuses_of_the_real_tracker(plan):
    assert list(plan.statuses.values_list("label", "rag")) == [
        ("On track", "green"),
        ("Medium progress", "amber"),
        ("Significant issues / slippage", "red"),
        ("Not due to start", "grey"),
        ("Complete", "blue"),
        ("Closed", "blue"),
        ("N/A", "grey"),
        ("On hold", "grey"),
    ]
    closed = plan.statuses.get(label="Closed")
    assert closed.needs_evidence and closed.counts_as_done
    assert not plan.statuses.get(label="N/A").counted


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("On Track- little or no slippage", "On track"),
        ("complete", "Complete"),
        ("  COMPLETE  ", "Complete"),
        ("Medium Progress- actual/ projected slippage of 1-2 months", "Medium progress"),
        (
            "Significant issues / actual/projected slippage- more than 2 months",
            "Significant issues / slippage",
        ),
        ("N/a", "N/A"),
        ("Not due to start", "Not due to start"),
        ("Closed", "Closed"),
        ("New Action Added", None),
        ("Completely different", None),
        ("", None),
    ],
)
def test_status_words_match_the_vocabulary(plan, written, expected):
    found = status_matcher(plan.statuses.all())(written)
    assert (found.label if found else None) == expected


def test_a_remembered_synonym_matches_next_time(plan):
    status = plan.statuses.get(label="Not due to start")
    status.add_synonym("New Action Added")
    status.save()
    assert status_matcher(plan.statuses.all())("new action added") == status


@pytest.mark.parametrize(
    ("ref", "parent"),
    [
        ("OC.A2.1", "OC.A2.0"),
        ("OC.A2.10", "OC.A2.0"),
        ("OC.A2.0", None),
        ("7a", None),
        ("OC.E2.8", "OC.E2.0"),
    ],
)
def test_sub_actions_know_their_focus_action(ref, parent):
    assert parent_ref(ref) == parent


def test_an_action_derives_dates_from_the_text_people_wrote(plan):
    action = factories.action(plan, "OC.A2.1", start_text="Dec-22", due_text="TBC")
    action.refresh_from_db()
    assert action.start_date == datetime.date(2022, 12, 1)
    assert action.due_date is None
    action.due_text = "Mar-24"
    action.save()
    assert Action.objects.get().due_date == datetime.date(2024, 3, 1)


def test_changes_to_an_action_are_recorded_with_who_and_what(plan, people):
    action = factories.action(plan, "OC.A2.1", due_text="Mar-24")
    action._history_user = people["admin"]
    action.due_text = "Jun-24"
    action.save()
    latest, previous = action.history.all()[:2]
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "due_text"] == [
        ("due_text", "Mar-24", "Jun-24")
    ]
    assert latest.history_user == people["admin"]
