"""The tracker's rows are built in Python for speed (plans/templatetags/browse.py), outside the
templates' components. This pins their markup, and the filter form's and the pagination's:
any change to it shows here as a diff against tests/plans/snapshots/, to be looked at and, if
meant, written into the snapshot."""

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


def get(client, plan, query):
    response = client.get(reverse("plans:tracker", kwargs={"slug": plan.slug}) + query)
    assert response.status_code == 200
    return response.content.decode()


def one_tag_a_line(html):
    """The markup with the white space between tags, which templates lay out as they like,
    made one line break: a change in the markup itself still shows."""
    return re.sub(r">\s*<", ">\n<", html.strip()) + "\n"


def bodies(html):
    """Every table body on the page, one after another."""
    return "\n".join(re.findall(r"<tbody.*?</tbody>", html, flags=re.DOTALL)) + "\n"


@pytest.mark.parametrize(
    ("query", "snapshot"),
    [("", "tracker_rows_grouped.html"), ("?sort=-due", "tracker_rows_sorted.html")],
)
def test_the_tracker_rows_markup_is_unchanged(small_plan, client_for, query, snapshot):
    html = get(client_for("councillor"), small_plan, query)
    assert bodies(html) == (SNAPSHOTS / snapshot).read_text()


def test_the_filter_form_markup_is_unchanged(small_plan, client_for):
    """Every kind of filter, some chosen, one in error. Ids differ from database to database,
    so option values are compared without them; which option is chosen still shows."""
    on_track = small_plan.statuses.get(label="On track").pk
    html = get(
        client_for("councillor"),
        small_plan,
        f"?q=a+%3Cb%3E&status={on_track}&rag=red&due_from=2024-13-01&overdue=on&sort=due",
    )
    form = re.search(r'<form method="get".*?</form>', html, flags=re.DOTALL).group(0)
    form = re.sub(r'value="\d+"', 'value="id"', form)
    assert one_tag_a_line(form) == (SNAPSHOTS / "tracker_filters.html").read_text()


def test_the_pagination_markup_is_unchanged(small_plan, client_for, monkeypatch):
    monkeypatch.setattr("plans.views.browse.PAGE_SIZE", 2)
    html = get(client_for("councillor"), small_plan, "?sort=ref&page=2")
    nav = re.search(r'<nav class="govuk-pagination".*?</nav>', html, flags=re.DOTALL).group(0)
    assert one_tag_a_line(nav) == (SNAPSHOTS / "tracker_pagination.html").read_text()
