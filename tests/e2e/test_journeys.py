import re

from tests.e2e.conftest import screenshot


def test_every_role_signs_in_and_lands_on_a_checked_home_page(visit):
    for role in ("admin", "clerk", "lead", "councillor"):
        checked = visit(role)
        assert checked.page.url.endswith("/"), checked.page.url
        checked.check()
        screenshot(checked.page, f"home-{role}")


def test_a_councillor_browses_the_tracker_and_opens_an_action(visit):
    councillor = visit("councillor")
    councillor.goto("/plans/improvement-plan/")
    councillor.page.get_by_role("link", name=re.compile("Workforce Strategy approved")).click()
    councillor.page.wait_for_load_state()
    councillor.check()
    assert (
        councillor.page.get_by_role("heading", level=1).inner_text()
        == "Workforce Strategy approved"
    )
    screenshot(councillor.page, "action-councillor")


def test_a_lead_officer_sees_the_actions_due(visit):
    lead = visit("lead")
    body = lead.page.locator("main").inner_text()
    assert "need an update for February 2024" in body
    assert "OC.A2.1" in body


def test_a_signed_out_visitor_only_sees_the_sign_in_page(visit):
    anonymous = visit(None)
    anonymous.page.goto("/plans/improvement-plan/")
    assert "/sign-in/" in anonymous.page.url
