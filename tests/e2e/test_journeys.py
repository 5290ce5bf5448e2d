import io
import re
from pathlib import Path

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


def test_a_lead_officer_updates_her_actions_at_once_and_sees_them_on_the_tracker(visit):
    from plans.models import Action

    lead = visit("lead")
    page = lead.page
    body = page.locator("main").inner_text()
    # OC.A2.3 was completed in January, so it is not asked for again; OC.B2.5 is written by
    # a post nobody holds, so it is not counted as hers, but she may still write it.
    assert "1 of your actions needs an update for February 2024" in body
    page.get_by_role("link", name="Update them all on one page").click()
    page.wait_for_load_state()
    lead.check()
    done = page.locator(f"#action-{Action.objects.get(ref='OC.A2.3').pk}").inner_text()
    assert "No February 2024 update needed" in done
    answers = {
        "OC.A2.1": (
            "Closed",
            "Cabinet approved the strategy; the survey shows it in use.",
            "https://intranet.example.org/one-team",
        ),
        "OC.B2.5": ("On hold", "Still waiting for the senior restructure.", ""),
    }
    for ref, (status, narrative, link) in answers.items():
        section = page.locator(f"#action-{Action.objects.get(ref=ref).pk}")
        section.get_by_label("Status").select_option(label=status)
        section.get_by_label("Update", exact=True).fill(narrative)
        if link:
            section.get_by_label("Link to evidence (optional)").fill(link)
    page.get_by_role("button", name="Save all updates").click()
    page.wait_for_load_state()
    confirm = page.get_by_label("I have checked the definitions and this status is right")
    if confirm.count():
        # The dates contradict a rating: the page warns and the officer confirms.
        lead.check()
        for box in confirm.all():
            box.check()
        page.get_by_role("button", name="Save all updates").click()
        page.wait_for_load_state()
    lead.check()
    assert "All your actions have an update" in page.locator("main").inner_text()
    screenshot(page, "update-all-saved")

    lead.goto("/plans/improvement-plan/")
    for ref, (status, narrative, _) in answers.items():
        row = page.locator("tr", has_text=ref).first.inner_text()
        assert status in row and narrative[:20] in row, (ref, row)
    lead.goto("/plans/improvement-plan/actions/OC.A2.1/")
    assert "intranet.example.org/one-team" in page.content()


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


def test_a_councillor_filters_by_theme_and_status_exports_and_can_change_nothing(visit):
    from openpyxl import load_workbook

    councillor = visit("councillor")
    page = councillor.page
    councillor.goto("/plans/improvement-plan/")
    page.get_by_text("More filters").click()
    page.get_by_label("Theme", exact=True).select_option(label="Theme 1 - Organisational Culture")
    page.get_by_label("Medium progress").check()
    # With scripts on, the results follow the filters without a reload.
    page.wait_for_function("document.querySelector('#result-count').textContent.startsWith('3 ')")
    councillor.check()
    count = page.locator("#result-count").inner_text()
    assert count == "3 actions match the filters", count

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 1 + 3
    assert all("Medium progress" in row for row in rows[1:])

    page.get_by_role("link", name=re.compile("Workforce Strategy approved")).first.click()
    page.wait_for_load_state()
    councillor.check()
    # Nothing on the pages a councillor reads offers to change anything in the plan: the only
    # forms that post are following an action or its theme, which changes only their emails.
    for path in (page.url, "/plans/improvement-plan/", "/"):
        councillor.goto(path)
        main = page.locator("main")
        posting = main.locator("form[method=post], form[method=POST]")
        actions = [posting.nth(n).get_attribute("action") for n in range(posting.count())]
        assert all(action.endswith("/follow/") for action in actions), (path, actions)
        assert not main.get_by_role(
            "button", name=re.compile("update|save|edit|import|delete", re.I)
        ).count()
        assert not main.get_by_role(
            "link", name=re.compile("write|edit|update them|import", re.I)
        ).count()
    assert page.goto("/plans/improvement-plan/my-updates/").status == 403


def test_a_clerk_opens_a_round_builds_the_quarterly_report_and_downloads_the_pdf(visit):
    from pypdf import PdfReader

    clerk = visit("clerk")
    page = clerk.page
    # The February round is open with updates missing: closing it asks first, naming them.
    clerk.goto("/plans/improvement-plan/rounds/2024/2/")
    page.get_by_role("button", name="Close the round").click()
    page.wait_for_load_state()
    clerk.check()
    confirmation = page.locator("main").inner_text()
    assert "Close the February 2024 round with 9 updates missing?" in confirmation
    assert "OC.A2.1 Workforce Strategy approved" in confirmation
    page.get_by_role("button", name="Close the round").click()
    page.wait_for_load_state()
    assert "The February 2024 round is closed." in page.locator("main").inner_text()
    clerk.goto("/plans/improvement-plan/rounds/open/")
    month, due = (
        page.get_by_role("group", name="Month being reported on"),
        page.get_by_role("group", name="Updates due by"),
    )
    for group, (day, number, year) in ((month, ("1", "3", "2024")), (due, ("8", "4", "2024"))):
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(number)
        group.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_load_state()
    clerk.check()
    assert "The March 2024 round is open" in page.locator("main").inner_text()

    clerk.goto("/reports/new/")
    page.get_by_label("Period").select_option("quarterly:2023-Q4")
    page.get_by_role("button", name="Build the report").click()
    page.wait_for_load_state()
    # March's round is still open: building asks first, saying what is missing.
    clerk.check()
    checks = page.locator("main").inner_text()
    assert "things missing?" in checks and "Updates missing" in checks
    screenshot(page, "report-checks")
    page.get_by_role("button", name="Build the report anyway").click()
    page.wait_for_load_state()
    page.wait_for_selector("text=Publish this report", timeout=60_000)
    clerk.check()
    screenshot(page, "report-ready")
    href = page.get_by_role("link", name="download the draft PDF").get_attribute("href")
    answer = page.context.request.get(href)  # as the browser fetches it, signed in
    assert answer.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.body()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert reader.metadata.title and "Improvement Plan 2023-24" in text
    assert "Draft — not for publication" in reader.pages[-1].extract_text()
    assert "OC.E2.4" in text  # the one red action, among the exceptions
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers


class Clicks:
    """Every click, tick and field the officer touches, counted."""

    def __init__(self):
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def check(self, locator):
        self.count += 1
        locator.check()

    def fill(self, locator, text):
        self.count += 1  # the click into the field
        locator.fill(text)


def a_lead_officers_month(plan_slug="month-by-month"):
    """Ten actions of one officer in an open February 2024 round: five unchanged since
    January, three with news, and two closed in December 2023."""
    import datetime

    from plans.models import Evidence, Round
    from tests import factories
    from tests.e2e.conftest import DEMO_PASSWORD

    officer = factories.user(
        "month_lead", factories.roles.LEAD_OFFICER, ["Head of Service Delivery"]
    )
    officer.set_password(DEMO_PASSWORD)
    officer.save()
    plan = factories.plan(name="Service Plan 2024", slug=plan_slug)
    Round.objects.create(plan=plan, month=datetime.date(2024, 2, 1), due=datetime.date(2024, 3, 8))
    made = {}
    for n in range(1, 11):
        action = factories.action(
            plan, f"SD.{n}", lead="Head of Service Delivery", due_text="Dec-24", sort_order=n
        )
        made[action.ref] = action
        if n <= 8:
            factories.update(action, "2024-01", "On track", narrative=f"SD.{n} in January.")
        else:
            closed = factories.update(action, "2023-12", "Closed", narrative="Done.")
            Evidence.objects.create(update=closed, link="https://intranet.example.org/done")
    return made


def test_a_lead_officers_month_of_ten_actions_takes_no_more_than_15_clicks(visit):
    actions = a_lead_officers_month()
    lead = visit("month_lead")
    page = lead.page
    clicks = Clicks()
    clicks.click(page.get_by_role("link", name="Update them all on one page"))
    page.wait_for_load_state()
    lead.check()
    screenshot(page, "month-update-all-before")
    news = {"SD.6": "Contract signed.", "SD.7": "Pilot started.", "SD.8": "Survey out."}
    for ref, action in actions.items():
        section = page.locator(f"#action-{action.pk}")
        if not section.get_by_label("Update", exact=True).count():
            continue  # not owed
        if ref in news:
            clicks.fill(section.get_by_label("Update", exact=True), news[ref])
        else:
            clicks.check(section.get_by_label("No change since last month"))
            if ref in ("SD.9", "SD.10"):
                # Closed in December and still asked for: its evidence is asked for again.
                clicks.fill(
                    section.get_by_label("Link to evidence (optional)"),
                    "https://intranet.example.org/done",
                )
    clicks.click(page.get_by_role("button", name="Save all updates"))
    page.wait_for_load_state()
    lead.check()
    screenshot(page, "month-update-all-saved")
    body = page.locator("main").inner_text()
    assert "All your actions have an update" in body, body
    print(f"\nClicks for the month: {clicks.count}")
    assert clicks.count <= 15

    from plans.models import Update

    february = {
        u.action.ref: u
        for u in Update.objects.filter(action__plan__slug="month-by-month", month="2024-02-01")
    }
    assert february["SD.1"].narrative == "SD.1 in January." and february["SD.1"].no_change
    assert february["SD.6"].narrative == "Contract signed."
    owed = [f"SD.{n}" for n in range(1, 9)]
    assert {february[ref].status.label for ref in owed} == {"On track"}


def test_actions_closed_in_an_earlier_month_are_not_owed_again(visit):
    a_lead_officers_month()
    lead = visit("month_lead")
    body = lead.page.locator("main").inner_text()
    assert "8 of your actions need an update for February 2024" in body, body
