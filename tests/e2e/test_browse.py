"""Browser journeys through the tracker, an action, the dashboard and a committee view, each
page held to axe-core, the Nu HTML checker and reflow by the `visit` fixture."""

import re

from tests.e2e.conftest import screenshot


def test_a_councillor_filters_the_tracker_and_the_results_follow_without_a_reload(visit):
    councillor = visit("councillor")
    councillor.goto("/plans/improvement-plan/")
    page = councillor.page
    assert page.locator("#result-count").inner_text() == "22 actions"
    screenshot(page, "tracker")

    page.get_by_text("More filters").click()
    page.get_by_label("Amber", exact=True).check()
    page.wait_for_function("document.querySelector('#result-count').textContent.includes('match')")
    assert page.locator("#result-count").inner_text() == "3 actions match the filters"
    assert "rag=amber" in page.url
    assert page.locator("#filter-status").inner_text() == "3 actions match the filters"
    page.get_by_label("Search").fill("training")
    page.wait_for_function(
        "document.querySelector('#result-count').textContent.startsWith('1 action')"
    )
    councillor.check()
    screenshot(page, "tracker-filtered")

    # The same view from its address, as a bookmark would open it, and without scripts.
    councillor.goto(page.url)
    assert page.locator("#result-count").inner_text() == "1 action matches the filters"
    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_load_state()
    assert page.locator("#result-count").inner_text() == "22 actions"


def test_the_filter_form_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/sign-in/")
    page.fill("#id_username", "councillor")
    page.fill("#id_password", "demo-tracker-2024")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/plans/improvement-plan/")
    page.get_by_label("Search").fill("strategy")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "q=strategy" in page.url
    assert re.match(r"\d+ actions? match", page.locator("#result-count").inner_text())
    context.close()


def test_a_councillor_reads_an_action_the_dashboard_and_a_committee(visit):
    councillor = visit("councillor")
    councillor.goto("/plans/improvement-plan/actions/OC.A2.1/")
    page = councillor.page
    page.get_by_text("Changes to this action").scroll_into_view_if_needed()
    screenshot(page, "action")

    councillor.goto("/plans/improvement-plan/dashboard/")
    assert "Dashboard: February 2024" in page.locator("h1").inner_text()
    for image in page.locator("img.app-chart").all():
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "dashboard")

    councillor.goto("/plans/improvement-plan/dashboard/?month=2023-12-01")
    councillor.goto("/plans/improvement-plan/committees/corporate-policy-and-resources/")
    assert page.locator("h1").inner_text() == "Corporate Policy and Resources Committee"
    screenshot(page, "committee")


def test_the_tracker_is_usable_from_the_keyboard(visit):
    councillor = visit("councillor")
    councillor.goto("/plans/improvement-plan/")
    page = councillor.page
    page.locator("#id_q").focus()
    page.keyboard.type("workforce")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=workforce" in page.url
    link = page.get_by_role("link", name="Workforce Strategy approved")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/actions/OC.A2.1/")
