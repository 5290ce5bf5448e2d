import datetime

import pytest
from django.urls import reverse

from plans.models import Round
from tests import factories


@pytest.fixture
def plan_with_round(plan, people):
    parent = factories.action(plan, "OC.A2.0", lead="Head of HR", title="Focus action")
    for ref in ("OC.A2.1", "OC.A2.2"):
        factories.action(plan, ref, lead="Head of HR", parent=parent, title=f"HR action {ref}")
    factories.action(plan, "OC.B1.1", lead="Head of Finance", title="Finance action")
    Round.objects.create(plan=plan, month=datetime.date(2024, 2, 1), due=datetime.date(2024, 3, 8))
    return plan


def test_lead_officer_sees_their_actions_needing_an_update(plan_with_round, client_for, people):
    action = plan_with_round.actions.get(ref="OC.A2.1")
    factories.update(action, "2024-02", "On track", author=people["lead"])
    page = client_for("lead").get(reverse("home")).content.decode()
    assert "1 of your actions needs an update for February 2024" in page
    assert "OC.A2.2" in page
    assert "OC.A2.1 HR action" not in page  # already updated
    assert "Finance action" not in page  # not theirs
    assert "Focus action" not in page  # parents show their children's roll-up


def test_councillor_sees_counts_and_percentages_by_theme(plan_with_round, client_for):
    plan = plan_with_round
    factories.update(plan.actions.get(ref="OC.A2.1"), "2024-01", "On track")
    factories.update(plan.actions.get(ref="OC.A2.2"), "2024-01", "Significant issues")
    factories.update(plan.actions.get(ref="OC.B1.1"), "2024-01", "N/A")
    page = client_for("councillor").get(reverse("home")).content.decode()
    assert "Your actions" not in page
    assert "Percentages leave out 1 parent (focus) action, 1 N/A" in page
    assert '1 <span class="govuk-body-s">(50%)</span>' in page


def test_home_page_queries_do_not_grow_with_the_plan(
    plan, client_for, django_assert_max_num_queries
):
    for number in range(30):
        action = factories.action(plan, f"OC.A{number}.1", lead="Head of HR")
        factories.update(action, "2024-01", "On track")
    client = client_for("lead")
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


def test_only_the_most_specific_navigation_item_is_current(client_for):
    page = client_for("admin").get("/plans/import/").content.decode()
    assert page.count('aria-current="') == 1


def test_the_overview_counts_only_signed_off_updates(plan_with_round, client_for):
    plan = plan_with_round
    plan.updates_need_sign_off = True
    plan.save()
    factories.update(plan.actions.get(ref="OC.A2.1"), "2024-01", "On track")
    factories.update(
        plan.actions.get(ref="OC.A2.2"), "2024-01", "Significant issues", approval="submitted"
    )
    factories.update(plan.actions.get(ref="OC.B1.1"), "2024-01", "N/A", approval="returned")
    page = client_for("councillor").get(reverse("home")).content.decode()
    assert "Percentages leave out 1 parent (focus) action, 2 with no update yet" in page
    assert '1 <span class="govuk-body-s">(100%)</span>' in page
