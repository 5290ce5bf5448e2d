"""The tracker, dashboard, committee and action pages, and the exports, run the same number of
SQL queries for a plan of 50 actions as for one of 500: nothing is fetched row by row."""

import pytest
from django.urls import reverse

from plans.models import Action, Committee
from tests.generate import build_plan

# Each count includes the three queries every signed-in page makes (session, user, roles).
PAGES = {
    "tracker": 19,
    "tracker sorted and filtered": 19,
    "committee": 19,
    "dashboard": 18,  # seven for the measures and recommendations, one for priorities served
    "action": 13,  # one for whether the reader follows it or its theme
    "focus action": 13,  # its sub-actions, but no updates of its own to prefetch from
    "csv": 8,
    "json": 13,
}


def url(name, plan):
    action = Action.objects.filter(plan=plan, parent__isnull=False).order_by("sort_order")[0]
    focus = Action.objects.filter(plan=plan, parent__isnull=True).order_by("sort_order")[0]
    committee = Committee.objects.filter(actions__plan=plan).first()
    return {
        "tracker": reverse("plans:tracker", args=[plan.slug]),
        "tracker sorted and filtered": reverse("plans:tracker", args=[plan.slug])
        + "?sort=-due&rag=green&rag=amber&q=partners&missing=on&overdue=on",
        "committee": reverse("plans:committee", args=[plan.slug, committee.slug]),
        "dashboard": reverse("plans:dashboard", args=[plan.slug]),
        "action": reverse("plans:action", args=[plan.slug, action.ref]),
        "focus action": reverse("plans:action", args=[plan.slug, focus.ref]),
        "csv": reverse("plans:export_csv", args=[plan.slug]),
        "json": reverse("plans:export_json", args=[plan.slug]),
    }[name]


@pytest.mark.parametrize("size", [50, 500])
@pytest.mark.parametrize("name", PAGES)
def test_pages_run_a_fixed_number_of_queries(client_for, django_assert_num_queries, name, size):
    plan = build_plan(size, 3, slug=f"plan-{size}")
    client = client_for("councillor")
    address = url(name, plan)
    with django_assert_num_queries(PAGES[name]):
        response = client.get(address)
    assert response.status_code == 200
