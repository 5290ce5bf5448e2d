"""Rendered pages are kept until the plan's data changes: a repeat view is quick, and a new
update shows at once."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from plans import versions
from tests import factories


@pytest.fixture
def real_cache():
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        cache.clear()
        yield
        cache.clear()


@pytest.mark.parametrize("name", ["plans:tracker", "plans:dashboard"])
def test_a_new_update_shows_at_once_on_a_cached_page(
    real_cache, plan, client_for, django_assert_max_num_queries, name
):
    action = factories.action(plan, "CM.A1.1", title="Run the residents survey")
    factories.update(action, "2024-01", "On track", "Questions agreed.")
    client = client_for("councillor")
    address = reverse(name, args=["corporate-plan"])
    assert "On track" in client.get(address).content.decode()
    with django_assert_max_num_queries(4):  # session, user, roles, plan: the rest is cached
        client.get(address)
    factories.update(action, "2024-01", "Significant issues / slippage", "Supplier failed.")
    assert "Significant issues / slippage" in client.get(address).content.decode()


def test_an_action_page_is_cached_separately_for_readers_of_drafts(real_cache, plan, client_for):
    from plans.models import Update

    action = factories.action(plan, "CM.A1.1", title="Run the residents survey")
    factories.update(action, "2024-01", "On track", "Questions agreed.")
    Update.objects.update(approval=Update.Approval.SUBMITTED)
    address = reverse("plans:action", args=["corporate-plan", "CM.A1.1"])
    assert "Questions agreed." in client_for("clerk").get(address).content.decode()
    assert "Questions agreed." not in client_for("councillor").get(address).content.decode()


def test_a_saved_update_redraws_the_results_but_keeps_the_filter_menus(
    real_cache, plan, client_for, django_assert_max_num_queries
):
    action = factories.action(
        plan, "CM.A1.1", title="Run the residents survey", lead="Head of Policy"
    )
    factories.update(action, "2024-01", "On track", "Questions agreed.")
    client = client_for("councillor")
    address = reverse("plans:tracker", args=["corporate-plan"])
    with django_assert_max_num_queries(19) as cold:
        client.get(address)
    factories.update(action, "2024-01", "Significant issues / slippage", "Supplier failed.")
    # The menus (statuses, themes, posts, committees...) come from the cache: only the
    # results' queries run again.
    with django_assert_max_num_queries(len(cold) - 8):
        page = client.get(address).content.decode()
    assert "Supplier failed." in page
    assert f'<option value="{action.lead_officer_id}">Head of Policy</option>' in page


def test_a_change_to_the_plans_layout_shows_in_the_filter_menus_at_once(
    real_cache, plan, client_for
):
    factories.action(plan, "CM.A1.1")
    client = client_for("councillor")
    address = reverse("plans:tracker", args=["corporate-plan"])
    assert "Housing" not in client.get(address).content.decode()
    factories.action(plan, "HO.1.1", theme_name="Housing")
    versions.plan_changed(plan.pk)  # as an import or an admin edit does
    assert ">Housing</option>" in client.get(address).content.decode()


def test_an_action_page_is_kept_while_other_actions_are_updated(
    real_cache, plan, client_for, django_assert_max_num_queries
):
    survey = factories.action(plan, "CM.A1.1", title="Run the residents survey")
    other = factories.action(plan, "CM.A1.2", title="Publish the results")
    factories.update(survey, "2024-01", "On track", "Questions agreed.")
    client = client_for("councillor")
    address = reverse("plans:action", args=["corporate-plan", "CM.A1.1"])
    client.get(address)
    factories.update(other, "2024-01", "Significant issues / slippage", "Printer failed.")
    with django_assert_max_num_queries(5):  # session, user, roles, the action, the round
        client.get(address)
    factories.update(survey, "2024-01", "Medium progress", "Fieldwork late.")
    assert "Fieldwork late." in client.get(address).content.decode()


def test_a_focus_actions_page_shows_its_sub_actions_new_status_at_once(
    real_cache, plan, client_for
):
    focus = factories.action(plan, "CM.A1", title="Listen to residents")
    child = factories.action(plan, "CM.A1.1", title="Run the survey", parent=focus)
    factories.update(child, "2024-01", "On track")
    client = client_for("councillor")
    address = reverse("plans:action", args=["corporate-plan", "CM.A1"])
    assert "On track" in client.get(address).content.decode()
    factories.update(child, "2024-02", "Significant issues / slippage")
    assert "Significant issues / slippage" in client.get(address).content.decode()
