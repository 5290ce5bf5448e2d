"""The dashboard's counts kept beside the updates (StatusMonth) always agree with counting
every update from scratch, whatever mix of saves, corrections, drafts, sign-offs, returns and
imports came before; and the dashboard's queries do not grow with the plan."""

import datetime
import random

import pytest
from django.urls import reverse

from plans import dates, summary
from plans.excel.load import create_plan, load_workbook
from plans.excel.read import read_workbook
from plans.models import Action, Committee, StatusMonth, Update
from plans.updates import review_update, save_update
from tests import workbooks
from tests.generate import build_plan

MONTHS = [
    datetime.date(2023, 6, 1),
    *(dates.add_months(datetime.date(2023, 11, 1), n) for n in range(6)),
]


def rows():
    return set(StatusMonth.objects.values_list("action_id", "month", "status_id", "last"))


def assert_agrees(plan, committee):
    """The kept rows are what a rebuild from the updates makes, and the dashboard's figures are
    those figures() finds by reading every update, for the plan and for a committee, over a
    window starting before any update and one starting after some."""
    kept = rows()
    StatusMonth.objects.rebuild(Action.objects.all())
    assert kept == rows()
    for counted in (False, True):
        plan.count_parent_actions = counted  # parents left out, or counted
        for narrowed in (None, committee):
            for window in (3, 11):
                months = [dates.add_months(MONTHS[-1], n) for n in range(1 - window, 1)]
                expected = summary.figures(plan, months, committee=narrowed)
                board = summary.dashboard(plan, months[-1], window=window, committee=narrowed)
                assert [(m, b.dump()) for m, b in board.trend] == [
                    (m, b.dump()) for m, b in expected.trend(months)
                ]
                assert [(n, b.dump()) for n, b in board.themes] == [
                    (n, b.dump()) for n, b in expected.themes_at(months[-1])
                ]
                assert [(n, b.dump()) for n, b in board.priorities] == [
                    (n, b.dump()) for n, b in expected.priorities_at(months[-1])
                ]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_kept_counts_match_counting_from_scratch_after_random_writes(people, seed):
    rng = random.Random(seed)
    plan = create_plan("Improvement Plan")
    load_workbook(
        plan=plan,
        result=read_workbook(workbooks.SAMPLE),
        mapping={"New Action Added": "Not due to start"},
        dry_run=False,
    )
    actions = list(plan.actions.order_by("ref"))
    statuses = list(plan.statuses.all())
    committee = Committee.objects.create(name="Audit", slug="audit")
    committee.actions.add(*rng.sample(actions, len(actions) // 2))
    assert_agrees(plan, committee)
    for step in range(40):
        drafts = list(Update.objects.filter(approval=Update.Approval.SUBMITTED).order_by("pk"))
        kind = rng.choice(["save", "correct", "draft", "review"])
        if kind == "review" and drafts:
            draft = rng.choice(drafts)
            review_update(
                update=draft,
                by=people["clerk"],
                decision=rng.choice(["approved", "returned"]),
                note="Say why.",
                expected_version=draft.version,
            )
        else:
            if kind == "correct":  # a month already written, perhaps awaiting sign-off
                written = rng.choice(list(Update.objects.order_by("pk")))
                action, month = written.action, written.month
            else:
                action, month = rng.choice(actions), rng.choice(MONTHS)
            save_update(
                action=action,
                month=month,
                status=rng.choice(statuses),
                narrative=f"Step {step}.",
                author=people["lead"],
                approval=Update.Approval.SUBMITTED if kind == "draft" else Update.Approval.APPROVED,
            )
        assert_agrees(plan, committee)
    # A workbook imported over all that: its changes and new months are counted too.
    load_workbook(plan=plan, result=read_workbook(workbooks.SAMPLE), dry_run=False)
    assert_agrees(plan, committee)


def test_an_update_saved_counts_at_once_and_a_draft_only_once_signed_off(people):
    plan = create_plan("Improvement Plan")
    load_workbook(
        plan=plan,
        result=read_workbook(workbooks.SAMPLE),
        mapping={"New Action Added": "Not due to start"},
        dry_run=False,
    )
    action = plan.actions.get(ref="OC.A2.1")
    red = plan.statuses.get(label="Significant issues / slippage")
    february = datetime.date(2024, 2, 1)

    def red_in_february():
        return summary.dashboard(plan, february).overall.by_status[red.pk]

    before = red_in_february()  # OC.A2.1 was at medium progress in January
    draft, _ = save_update(
        action=action,
        month=february,
        status=red,
        narrative="Draft.",
        author=people["lead"],
        approval=Update.Approval.SUBMITTED,
    )
    assert red_in_february() == before
    review_update(update=draft, by=people["clerk"], decision="approved", expected_version=1)
    assert red_in_february() == before + 1
    save_update(
        action=action,
        month=february,
        status=red.plan.statuses.get(label="Complete"),
        narrative="Done after all.",
        author=people["lead"],
    )
    assert red_in_february() == before


@pytest.mark.parametrize("size", [50, 500])
@pytest.mark.parametrize("narrowed", ["plan", "committee"])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries, size, narrowed
):
    """The plan's dashboard shows every priority and theme; a committee's, its own actions'."""
    plan = build_plan(size, 24, slug=f"plan-{size}")
    address = reverse("plans:dashboard", args=[plan.slug])
    if narrowed == "committee":
        address += f"?committee={Committee.objects.filter(actions__plan=plan).first().pk}"
    client = client_for("councillor")
    with django_assert_max_num_queries(19):
        response = client.get(address)
    assert response.status_code == 200
    assert b"Housing" in response.content  # a theme's breakdown
    assert b"Homes and places" in response.content  # a priority's
