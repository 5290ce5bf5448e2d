"""Reading it all in a browser: a councillor chooses every column, opens a full update, and
the tracker with all its columns is held to axe-core, the Nu checker and 320 px reflow; on
paper the whole narrative is printed."""

from plans.models import Update
from tests.e2e.conftest import ARTIFACTS, screenshot
from tracker import policy

COLUMNS = [
    "Other leads",
    "Director",
    "Member lead",
    "Start",
    "Last month's status",
    "Last month's update",
]


def test_a_councillor_adds_every_column_and_reads_a_full_update(visit):
    councillor = visit("councillor")
    councillor.goto("/plans/improvement-plan/")
    page = councillor.page
    page.get_by_text("Columns", exact=True).click()
    for label in COLUMNS:
        page.get_by_role("checkbox", name=label, exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    for key in ("director", "member_lead", "start", "other_leads", "last_status"):
        assert f"columns={key}" in page.url
    first = page.locator("table.app-tracker").first
    headings = first.locator("th").all_inner_texts()
    assert headings[3:10] == [
        "Other leads",
        "Director",
        "Member lead",
        "Start",
        "Due",
        "Status, January 2024",
        "Update, January 2024",
    ]
    assert page.locator("#result-count").inner_text() == "22 actions"  # columns filter nothing
    councillor.check()  # axe-core, Nu, 320 px and 200% zoom with every column
    screenshot(page, "tracker-all-columns")
    page.set_viewport_size({"width": 320, "height": 800})
    screenshot(page, "tracker-all-columns-320")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The longest update the demo has, cut on the page, is there whole behind "Full update".
    longest = max(
        Update.objects.visible_to(policy.EVERYONE).select_related("action"),
        key=lambda update: len(update.narrative),
    )
    summary = page.locator("summary", has_text=f"Full update for {longest.action.ref}").first
    cell = summary.locator("xpath=ancestor::td")
    opening = cell.locator(".app-opening")
    assert opening.is_visible() and opening.inner_text().endswith("…")
    whole = cell.locator(".govuk-details__text")
    assert not whole.is_visible()
    summary.click()
    assert whole.is_visible()
    assert " ".join(whole.inner_text().split()) == " ".join(longest.narrative.split())
    assert not opening.is_visible()  # not said twice once open

    # On paper, every narrative whole without opening anything.
    page.reload()
    page.emulate_media(media="print")
    summary = page.locator("summary", has_text=f"Full update for {longest.action.ref}").first
    printed = summary.locator("xpath=ancestor::td").locator(".app-print-only")
    assert printed.is_visible()
    assert " ".join(printed.inner_text().split()) == " ".join(longest.narrative.split())
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "tracker-all-columns.pdf"), format="A4", landscape=True)
