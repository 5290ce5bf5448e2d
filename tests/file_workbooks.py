"""Builders for the importer's file formats and sheet layouts (issue 15): CSV files, a
SharePoint "Export to Excel" workbook (one table, real dates, rich text as HTML), an actions
sheet with a separate updates sheet, and recommendations plans with lettered actions. Each
returns a BytesIO at position 0 with `name` set, as an upload looks, and fixed contents so
tests can assert exact values."""

import datetime
import io

from openpyxl import Workbook
from openpyxl.worksheet.table import Table

from tests.workbooks import to_bytes


def named(buffer, name):
    buffer.name = name
    return buffer


def csv_bytes(text, name="actions.csv", encoding="utf-8-sig"):
    return named(io.BytesIO(text.encode(encoding)), name)


# SharePoint "Export to Excel": one table object from A1, real date cells, rich text as HTML.
RICH_UPDATE = (
    '<div class="ExternalClass4F1A2B3C"><p>Consultation closed on 12 January.</p>'
    "<p>Next steps:</p><ul><li>Analyse the responses</li><li>Report to Cabinet&#160;in "
    "March</li></ul></div>"
)
RICH_UPDATE_TEXT = (
    "Consultation closed on 12 January.\n\nNext steps:\n\n- Analyse the responses\n"
    "- Report to Cabinet in March"
)
RICH_DESCRIPTION = (
    '<div class="ExternalClassAA11"><p>Refresh the <strong>strategy</strong> &amp; '
    "its action plan.<br>Owned by Housing.</p></div>"
)
RICH_DESCRIPTION_TEXT = "Refresh the strategy & its action plan.\nOwned by Housing."


def sharepoint_export():
    """A list export: Title holds the action; ID, Item Type and Path columns SharePoint adds
    are left out. Rows: HS1 (rich-text description and update, January 2024), HS2 (plain)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "query"
    sheet.append(
        ["Ref", "Title", "Description", "Lead officer", "Due date",
         "Status (January 2024)", "Update (January 2024)", "Item Type", "Path"]
    )  # fmt: skip
    sheet.append(
        ["HS1", "Housing strategy refresh", RICH_DESCRIPTION, "Head of Housing",
         datetime.datetime(2024, 6, 30), "On track", RICH_UPDATE, "Item", "sites/plan/Lists"]
    )  # fmt: skip
    sheet.append(
        ["HS2", "Empty homes review", "Review the empty homes policy.", "Housing Manager",
         datetime.datetime(2024, 3, 1), "Medium progress", "Waiting for data.", "Item",
         "sites/plan/Lists"]
    )  # fmt: skip
    sheet.add_table(Table(displayName="Table1", ref="A1:I3"))
    return named(to_bytes(workbook), "Housing plan.xlsx")


# Actions plus an updates sheet (family 5).


def actions_and_updates():
    """Actions first, then Updates (Ref, Month, Status, Update, Updated by), months written as
    date cells and as text. A1 has January and February 2024 updates, A2 January only."""
    workbook = Workbook()
    actions = workbook.active
    actions.title = "Actions"
    actions.append(["Ref", "Action", "Lead officer", "Due date"])
    actions.append(["A1", "Publish the waste strategy", "Head of Waste", "Mar-24"])
    actions.append(["A2", "Roll out food waste collections", "Head of Waste", "Sep-24"])
    updates = workbook.create_sheet("Updates")
    updates.append(["Ref", "Month", "Status", "Update", "Updated by"])
    updates.append(["A1", datetime.datetime(2024, 1, 1), "On track", "Draft written.", "JS"])
    updates.append(["A2", "January 2024", "Medium progress", "Vehicles ordered late.", "PK"])
    updates.append(["A1", "Feb-24", "On track", "Out to consultation.", "JS"])
    return named(to_bytes(workbook), "waste.xlsx")


def updates_then_actions():
    """The updates sheet first, headed differently (Date, RAG, Commentary, Author), dated by
    day; a Summary sheet between; B7 has two updates in March 2024, the later one counts."""
    workbook = Workbook()
    updates = workbook.active
    updates.title = "Progress log"
    updates.append(["Progress log, exported 2 April 2024"])
    updates.append([])
    updates.append(["Action ref", "Date", "RAG", "Commentary", "Author"])
    updates.append(["B7", datetime.datetime(2024, 3, 4), "Medium progress", "Slipping.", "AB"])
    updates.append(["B7", datetime.datetime(2024, 3, 28), "On track", "Recovered.", "AB"])
    updates.append(["B9", "15/02/2024", "Not due to start", "Starts in April.", "CD"])
    summary = workbook.create_sheet("Summary")
    summary.append(["Status", "Count"])
    summary.append(["On track", '=COUNTIF(Actions!C:C,"On track")'])
    actions = workbook.create_sheet("Actions")
    actions.append(["Theme", "Ref", "Key action", "Responsible officer"])
    actions.append(["Economy", "B7", "Open the business hub", "Head of Economy"])
    actions.append(["Economy", "B9", "Launch the apprenticeship fund", "Skills Lead"])
    return named(to_bytes(workbook), "economy.xlsx")


def large_updates_workbook(target, actions=5000, months=24, first_month=(2023, 1)):
    """An actions sheet of `actions` actions and an updates sheet with one row per action and
    month (`months` months), streamed to `target`. Returns the months as dates."""
    year, month = first_month
    month_dates = []
    for _ in range(months):
        month_dates.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    sheet.append(["Workstream", "Ref", "Action", "Director", "Lead officer", "Due date"])
    for number in range(actions):
        sheet.append(
            [f"Workstream {number // 50}" if number % 50 == 0 else None,
             f"T{number // 500}.{number}", f"Deliver part {number} of the plan",
             "Director of Place", f"Officer {number % 40}", datetime.datetime(2025, 3, 1)]
        )  # fmt: skip
    updates = workbook.create_sheet("Updates")
    updates.append(["Ref", "Month", "Status", "Update", "Updated by"])
    for day in month_dates:
        when = datetime.datetime(day.year, day.month, 1)
        for number in range(actions):
            updates.append(
                [f"T{number // 500}.{number}", when, "On track",
                 f"Update {number} for {day:%b-%y}", f"O{number % 40}"]
            )  # fmt: skip
    workbook.save(target)
    return month_dates


# Recommendations plans (family 7), after the LGA peer challenge outline action plan.

PEER_ACTIONS_1 = (
    "a. LGA to be invited after the May 2023 elections to facilitate sessions on the vision.\n"
    "b. Undertake a 'Strategy Day' for all Group Leaders (e.g. with the LGA).\n"
    "c. Use the CARES priorities as a basis for the Strategy Day."
)
PEER_ACTIONS_3 = (
    '<ul style="list-style-type: none"><li>a. Schedule a round table where officers feed in '
    "views.</li><li>b. Officers to provide key information to councillors.</li></ul>"
)


def peer_challenge():
    """Area band rows in column A; recommendation 2's actions cell merged with 1's (read as
    blank); recommendation 3's actions as HTML list items; a blank row and a repeated header.
    Sheet "Peer challenge 2023"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Peer challenge 2023"
    sheet.append(["APPENDIX A - DRAFT OUTLINE ACTION PLAN (MARCH 2023)"])
    header = ["CPC Recommendation Number", "Recommendations (grouped by relevant area)",
              "Proposed outline actions"]  # fmt: skip
    sheet.append(header)
    sheet.append(["Vision and Priorities"])
    sheet.append([1, "Identify shared priorities.", PEER_ACTIONS_1])
    sheet.append([2, "Share your agreed political ambitions.", None])
    sheet.merge_cells("C4:C5")
    sheet.append([])
    sheet.append(header)
    sheet.append(["Officer/Member relations"])
    sheet.append([3, "Reset the officer / Member working relationship.", PEER_ACTIONS_3])
    return named(to_bytes(workbook), "appendix-a.xlsx")


def recommendations_with_area_column():
    """An Area column instead of band rows, a Lead officer column, numbers written "Rec 4",
    the actions cell lettered "a)", a default sheet name (so the Source is named after the
    file), and a Measures sheet the measure importer reads."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(["Area", "Rec no", "Recommendation", "Agreed actions", "Lead officer"])
    sheet.append(["Finance", "Rec 4", "Clear the audit backlog.",
                  "a) Agree a timetable with the auditor b) Report progress to Audit Committee",
                  "Chief Finance Officer"])  # fmt: skip
    sheet.append(["Governance", "Rec 5", "Review the committee system.",
                  "a) Visit two councils", "Monitoring Officer"])  # fmt: skip
    measures = workbook.create_sheet("Measures")
    measures.append(["Measure", "Theme", "Unit", "Direction", "Q1 2024/25"])
    measures.append(["Audits outstanding", "Finance", "Number", "Lower is better", 3])
    return named(to_bytes(workbook), "Audit review.xlsx")
