"""An administrator changes the director of the tracker's filtered actions in one go, then
rolls the demo plan into 2024/25; each new page held to axe-core, the Nu checker and reflow
at 320 px by the `visit` fixture."""

from plans.models import Action, Plan
from tests.e2e.conftest import screenshot


def test_an_administrator_changes_the_director_of_the_filtered_actions(visit):
    admin = visit("admin")
    admin.goto("/plans/improvement-plan/")
    page = admin.page
    page.get_by_text("More filters").click()
    page.get_by_label("Lead officer or post").select_option(label="Head of HR")
    page.wait_for_function("document.querySelector('#result-count').textContent.includes('match')")
    count = int(page.locator("#result-count").inner_text().split()[0])
    page.get_by_role("link", name="Change these actions").click()
    page.wait_for_load_state()
    admin.check()
    assert page.locator("input[name=actions]:checked").count() == count
    screenshot(page, "bulk-change")

    page.get_by_label("Director", exact=True).select_option(label="Director-Finance")
    page.get_by_role("button", name="Check the changes").click()
    page.wait_for_load_state()
    admin.check()
    assert page.get_by_role("heading", name=f"Change {count} actions?").is_visible()
    screenshot(page, "bulk-confirm")
    page.get_by_role("button", name="Save the changes").click()
    page.wait_for_load_state()
    assert f"{count} actions changed" in page.content()
    assert "lead=" in page.url  # back on the tracker, still filtered
    led = Action.objects.filter(plan__slug="improvement-plan", lead_officer__name="Head of HR")
    assert {a.director.name for a in led.select_related("director")} == {"Director-Finance"}


def test_an_administrator_rolls_the_demo_plan_into_2024_25(visit):
    admin = visit("admin")
    admin.goto("/plans/improvement-plan/")
    page = admin.page
    page.get_by_role("link", name="Roll this plan into the next year").click()
    page.wait_for_load_state()
    admin.check()
    assert page.get_by_role("heading", name="Carried: 16 open actions").is_visible()
    screenshot(page, "rollover-preview")
    page.get_by_role("button", name="Make Improvement Plan 2024/25").click()
    page.wait_for_load_state()
    admin.check()
    assert page.url.endswith("/plans/improvement-plan-2024-25/")
    assert page.get_by_role("heading", name="Improvement Plan 2024/25", level=1).is_visible()
    assert page.get_by_text("Carried on from 2023/24").is_visible()
    assert Plan.objects.get(slug="improvement-plan-2024-25").actions.count() == 16
    page.get_by_role("link", name="Improvement Plan 2023-24").click()
    page.wait_for_load_state()
    assert page.get_by_text("Continued in 2024/25").is_visible()
