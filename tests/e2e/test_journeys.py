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


def test_an_administrator_imports_the_sample_workbook(visit):
    from tests.workbooks import SAMPLE

    admin = visit("admin")
    page = admin.page
    page.get_by_role("link", name="Import").click()
    page.wait_for_load_state()
    admin.check()
    page.get_by_label("Excel workbook").set_input_files(str(SAMPLE))
    page.get_by_label("Import into").select_option(label="A new plan")
    page.get_by_label("Name of the new plan").fill("Imported Improvement Plan")
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()
    admin.check()
    assert "What this import would do" in page.locator("main").inner_text()
    page.get_by_label("“New Action Added” means").select_option("Not due to start")
    page.get_by_role("button", name="Save and check again").click()
    page.wait_for_load_state()
    admin.check()
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_load_state()
    admin.check()
    assert "22 actions created" in page.locator("main").inner_text()
    page.get_by_role("link", name="Go to Imported Improvement Plan").click()
    page.wait_for_load_state()
    admin.check()
    assert "OC.A2.1" in page.locator("main").inner_text()
    screenshot(page, "import-done-tracker")
