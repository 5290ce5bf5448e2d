"""The tracker's rows are built in Python for speed (plans/templatetags/browse.py), outside the
templates' components. This pins their markup: any change to it shows here as a diff against
tests/plans/snapshots/, to be looked at and, if meant, written into the snapshot."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse

from plans.models import Round
from tests import factories

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture
def small_plan(plan, people, time_machine):
    """On 15 February 2024, with the February round open: a focus action with two sub-actions,
    one with updates, one with none; an action whose title and narrative need escaping; one
    with no workstream's worth of anything (no lead, no due date, no update)."""
    time_machine.move_to(datetime.datetime(2024, 2, 15, 12, 0))
    parent = factories.action(plan, "CM.A1.0", title="Listen to residents")
    survey = factories.action(
        plan, "CM.A1.1", parent=parent, title="Run the survey", lead="Head of HR", due_text="Mar-24"
    )
    factories.action(plan, "CM.A1.2", parent=parent, title="Publish the results", due_text="TBC")
    odd = factories.action(
        plan,
        "CM.B1.1",
        workstream="Housing & <Homes>",
        title='Build "100" homes <quickly> & well, say the residents\' group ' + "x" * 160,
        lead="Head of Housing",
        due_text="Dec-23",
    )
    factories.action(plan, "EN.A1.1", theme_name="Environment", workstream="Climate")
    factories.update(survey, "2024-01", "Medium progress", "Survey delayed by procurement.")
    factories.update(survey, "2024-02", "On track", "Back on course.")
    factories.update(odd, "2024-01", "Significant issues / slippage", "<b>Land</b> & sea " * 20)
    Round.objects.create(plan=plan, month=datetime.date(2024, 2, 1), due=datetime.date(2024, 3, 8))
    return plan


def bodies(html):
    """Every table body on the page, one after another."""
    return "\n".join(re.findall(r"<tbody.*?</tbody>", html, flags=re.DOTALL)) + "\n"


@pytest.mark.parametrize(
    ("query", "snapshot"),
    [("", "tracker_rows_grouped.html"), ("?sort=-due", "tracker_rows_sorted.html")],
)
def test_the_tracker_rows_markup_is_unchanged(small_plan, client_for, query, snapshot):
    response = client_for("councillor").get(
        reverse("plans:tracker", kwargs={"slug": small_plan.slug}) + query
    )
    assert response.status_code == 200
    assert bodies(response.content.decode()) == (SNAPSHOTS / snapshot).read_text()
