"""Browser journeys through the measures and the peer challenge, each page held to axe-core,
the Nu HTML checker and reflow by the `visit` fixture."""

from openpyxl import Workbook

from tests.e2e.conftest import screenshot


def test_a_lead_officer_enters_the_figure_the_round_asks_for(visit):
    lead = visit("lead")
    lead.goto("/plans/improvement-plan/measures/")
    page = lead.page
    for image in page.locator("img.app-trend").all():
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "measures")
    page.get_by_role("link", name="Appraisals completed on time: Q3 2023/24").click()
    page.wait_for_load_state()
    lead.check()
    page.get_by_label("Figure").fill("84")
    page.get_by_role("button", name="Save figure").click()
    page.wait_for_load_state()
    lead.check()  # the error: a figure short of its target needs a commentary
    assert (
        "Say why the figure misses its target" in page.locator(".govuk-error-summary").inner_text()
    )
    page.get_by_label("Commentary").fill("Finance and Place behind; chased in January.")
    page.get_by_role("button", name="Save figure").click()
    page.wait_for_load_state()
    lead.check()
    assert (
        "the Q3 2023/24 figure is saved" in page.locator(".govuk-notification-banner").inner_text()
    )
    assert "Latest figure: 84% for Q3 2023/24" in page.locator("main").inner_text()
    screenshot(page, "measure")


def test_a_clerk_reads_the_peer_challenge(visit):
    clerk = visit("clerk")
    clerk.goto("/plans/improvement-plan/sources/")
    page = clerk.page
    page.get_by_role("link", name="LGA corporate peer challenge 2023").click()
    page.wait_for_load_state()
    clerk.check()
    page.get_by_role("link", name="7", exact=True).click()
    assert page.url.endswith("#recommendation-7")
    text = " ".join(page.locator("main").inner_text().split())
    assert "Recommendation 7 Recognise the risk of continued poor behaviour" in text
    assert "3 actions: 1 On track, 1 Not due to start, 1 Complete." in text
    screenshot(page, "source")


def test_an_administrator_imports_measures_from_a_workbook(visit, tmp_path):
    book = Workbook()
    book.active.append(
        ["Measure", "Priority", "Direction", "Unit", "Target Q3 2023/24", "Q3 2023/24"]
    )
    book.active.append(["Planning applications decided in time", "Services", "higher", "%", 70, 74])
    path = tmp_path / "kpis.xlsx"
    book.save(path)
    admin = visit("admin")
    admin.goto("/plans/improvement-plan/measures/import/")
    page = admin.page
    page.get_by_label("Excel workbook of measures").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_load_state()
    admin.check()
    preview = " ".join(page.locator("main").inner_text().split())
    assert "Measures added 1: Planning applications decided in time" in preview
    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_load_state()
    admin.check()
    page.get_by_role("link", name="Go to the measures").click()
    page.wait_for_load_state()
    assert "6 measures tracked" in page.locator("main").inner_text()
