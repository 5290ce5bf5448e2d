"""Build action plan workbooks in memory, in the layouts councils really use, for the
importer's tests. Every builder returns a BytesIO at position 0 (what an upload looks like)
and its contents are fixed, so tests can assert exact values."""

import datetime
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

# A real council's tracker workbook, carried with the tests (the app never reads it).
SAMPLE = Path(__file__).resolve().parent / "data" / "action-tracker-theme1.xlsx"

YELLOW = PatternFill("solid", fgColor="FFFF00")

SAMPLE_HEADER = [
    "Workstream",
    "Ref",
    "Action",
    "Director",
    "Lead Cabinet Member",
    "Other Leads",
    "Update Owner (if different)",
    "Start date",
    "Due date",
    "Main Action Risk",
    "Status (December 2023)",
    "Update (Initial and Date)(December 2023)",
    "Status (January 2024)",
    "Update (Initial and Date) (January 2024)",
]
SAMPLE_BAND = {
    "A": "Static data",
    "D": "Owners",
    "H": "Dates",
    "J": "Focus",
    "K": "Progress against plan",
    "L": "Evidence of status rating",
    "M": "Progress against plan",
    "N": "Evidence of status rating",
}
ON_TRACK = "On Track- little or no slippage"
MEDIUM = "Medium Progress- actual/ projected slippage of 1-2 months"

STATUS_DEFINITIONS = [
    ("Progress against Plan Status Rating", "Definition", "Leadership Team Action as a result"),
    ("On Track", "Progress against the action is good", "Leadership Team note progress"),
    ("Medium progress", "Slippage (actual / projected) of 1-2 months", "Watching brief"),
    ("Closed", "Action is complete and there is evidence", "Evidence to be provided"),
]


def to_bytes(workbook):
    """The workbook saved as .xlsx into a BytesIO at position 0."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def workbook_bytes(sheets, hidden=()):
    """A workbook with one sheet per item of `sheets` ({name: [[cell, ...], ...]}), rows
    written from A1 down; None leaves a cell empty. Sheets named in `hidden` are hidden."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        if name in hidden:
            sheet.sheet_state = "hidden"
    return to_bytes(workbook)


def _definitions_sheet(workbook):
    sheet = workbook.create_sheet("Status definitions")
    for row in STATUS_DEFINITIONS:
        sheet.append(row)


def _month(year, month):
    return datetime.datetime(year, month, 1)


def sample_like():
    """Like the real tracker: a status definitions sheet, then a theme sheet with a title
    row, a band row ("Static data / Owners / ..."), the header at row 3, the Workstream
    merged down its rows, dates as real Excel dates shown "Dec-22", and some as text.

    Actions (row: ref, workstream): 4 OC.A2.0, 5 OC.A2.1, 6 OC.A2.3 under "Establishing
    Organisational Culture" (A4:A6 merged); 7 OC.B2.0, 8 OC.B2.5 under "Officer Learning
    and Development" (A7:A8 merged).
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    _definitions_sheet(workbook)
    sheet = workbook.create_sheet("Theme 1 -Organisational Culture")
    sheet["A1"] = "Theme 1 -Organisational Culture"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:C1")
    sheet["M1"] = "January  Update Due"
    for letter, text in SAMPLE_BAND.items():
        sheet[f"{letter}2"] = text
    sheet.append(SAMPLE_HEADER)
    rows = [
        ["Establishing Organisational Culture", "OC.A2.0", "Create the right environment",
         "Chief Executive", "Deputy Leader", None, None, None, None, "Focus 1",
         "N/A", "N/A", "N/A", "N/A"],
        [None, "OC.A2.1", "Workforce Strategy approved", "Chief Executive", "Deputy Leader",
         "Head of HR", None, _month(2022, 12), _month(2024, 3), "N/A",
         MEDIUM, "Entered onto Forward plan. (Ds 18.12.23)",
         MEDIUM, "Scheduled 13 March 2024. DS. 11.01.24"],
        [None, "OC.A2.3", "Project Plan for launch of One Team Framework\n- Launch events",
         "Chief Executive", "Deputy Leader", "Head of HR", None, _month(2023, 3),
         _month(2023, 7), "N/A", ON_TRACK, "Update to be provided to IPRM.",
         "Complete", "Update to IPRM 1 Feb. DS 1.01.24"],
        ["Officer Learning and Development", "OC.B2.0", "Develop a clear programme",
         "Chief Executive", "Deputy Leader", "Director- Law & Governance", None, None, None,
         "Focus 2", "N/A", "N/a", "N/A", "N/a"],
        [None, "OC.B2.5", "Senior Leadership Development Programme", "Chief Executive",
         "Deputy Leader", "Head of HR", "HR Team Manager L&D/OD", "June 2023", "TBC", "N/A",
         "N/A", "Remains on hold pending restructure.", None, None],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=4, min_col=8, max_col=9):
        for cell in row:
            cell.number_format = "mmm-yy"
    sheet["C6"].alignment = Alignment(wrap_text=True)
    sheet.merge_cells("A4:A6")
    sheet.merge_cells("A7:A8")
    return to_bytes(workbook)


THEME_COLUMN_HEADER = [
    "Reference",
    "Theme",
    "Milestone",
    "Lead Officer",
    "Portfolio Holder",
    "Target date",
    "Jan-24 Status",
    "Jan-24 Commentary",
    "Feb-24 Status",
    "Notes for clerk",
]


def theme_column_layout():
    """One sheet "Action plan" with a Theme column (filled only where the theme changes),
    other header words in another order, and a title row above the header (row 2).
    Feb-24 has a status column but no commentary; "Notes for clerk" maps to nothing.

    Actions (row: ref, theme): 3 C1, 4 C2 Community; 5 E1, 6 E2 Environment.
    """
    return workbook_bytes(
        {
            "Action plan": [
                ["Corporate Plan 2023-27: milestones"],
                THEME_COLUMN_HEADER,
                ["C1", "Community", "Open two family hubs", "Head of Early Help",
                 "Cllr Patel", "Mar-24", "Green", "Both sites found. JS 10.01.24",
                 "Green", "clerk: chase"],
                ["C2", None, "Refresh the community safety plan", "Community Safety Manager",
                 "Cllr Patel", "Jun-24", "Amber", "Consultation late. AB 09.01.24", None,
                 None],
                ["E1", "Environment", "Plant 10,000 trees", "Parks Manager", "Cllr Okafor",
                 "Autumn 2024", "Green", "3,200 planted. PM 12.01.24", "Red", None],
                ["E2", None, "Adopt the climate action plan", "Climate Officer",
                 "Cllr Okafor", "TBC", None, None, None, None],
            ]
        }
    )  # fmt: skip


REPEATED_HEADER = ["Workstream", "Ref", "Action", "Lead officer", "Due date",
                   "Status (January 2024)", "Update (January 2024)"]  # fmt: skip
TRAILING_FORMATTED_ROWS = 200


def _repeated_block(sheet, title, rows):
    sheet.append([title])
    sheet.append(["Static data", None, None, "Owners", "Dates", "Progress against plan"])
    sheet.append(REPEATED_HEADER)
    for row in rows:
        sheet.append(row)


def repeated_headers_layout():
    """One sheet per theme ("Housing", "Environment"), each with its title, band and header
    rows repeated part-way down (as when pages are pasted together), a blank row between
    blocks, and TRAILING_FORMATTED_ROWS yellow but empty rows at the end.

    Housing: H1 (row 4), H2 (5) under "Homes"; blank row 6; block repeated at rows 7-9;
    H3 (10) under "Homelessness", H4 (11) with workstream left blank.
    Environment: E1 (row 4) with workstream blank (so nothing carries over from Housing),
    E2 (5) under "Waste".
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    housing = workbook.create_sheet("Housing")
    _repeated_block(housing, "Theme 2 - Housing", [
        ["Homes", "H1", "Build 100 council homes", "Head of Housing", "Mar-25",
         "On track", "Site works began. KL 08.01.24"],
        [None, "H2", "Adopt a housing strategy", "Head of Housing", "Dec-24",
         "Not due to start", None],
    ])  # fmt: skip
    housing.append([])
    _repeated_block(housing, "Theme 2 - Housing (continued)", [
        ["Homelessness", "H3", "Open a night shelter", "Housing Options Manager", "Nov-24",
         "Significant issues / slippage", "Lease fell through. MN 11.01.24"],
        [None, "H4", "Review temporary accommodation", "Housing Options Manager", "TBC",
         "On track", "Review started."],
    ])  # fmt: skip
    environment = workbook.create_sheet("Environment")
    _repeated_block(environment, "Theme 3 - Environment", [
        [None, "E1", "Publish a tree strategy", "Parks Manager", "Jul-24", "On track", None],
        ["Waste", "E2", "Introduce food waste collections", "Waste Manager", "Apr-25",
         "Medium progress", "Vehicles ordered. WM 12.01.24"],
    ])  # fmt: skip
    for sheet in (housing, environment):
        first = sheet.max_row + 1
        for row in sheet.iter_rows(
            min_row=first, max_row=first + TRAILING_FORMATTED_ROWS - 1, max_col=7
        ):
            for cell in row:
                cell.fill = YELLOW
    return to_bytes(workbook)


FUZZY_DATES = [
    # (ref, start as stored in the cell, due as stored, start as read, due as read)
    ("D1", "Autumn 2022", "early 2024", "Autumn 2022", "early 2024"),
    ("D2", "Ongoing", "TBC", "Ongoing", "TBC"),
    ("D3", "June 2023", "quarterly (May, Aug, Nov, Feb)", "June 2023",
     "quarterly (May, Aug, Nov, Feb)"),
    ("D4", datetime.datetime(2022, 12, 1), datetime.datetime(2024, 1, 11), "Dec-22",
     "11/01/2024"),
    ("D5", "  Dec-22 ", 2024, "Dec-22", "2024"),
]  # fmt: skip


def fuzzy_dates():
    """One sheet "Dates" whose Start and Due cells hold FUZZY_DATES: text as people write
    it, real dates (the first of a month and a mid-month day), padded text and a number."""
    rows = [["Ref", "Action", "Start date", "Due date"]]
    rows += [[ref, f"Action {ref}", start, due] for ref, start, due, _, _ in FUZZY_DATES]
    return workbook_bytes({"Dates": rows})


def large_workbook(target, actions=5000, months=24, first_month=(2023, 1)):
    """Write a plan of `actions` actions with a status and an update for each of `months`
    months to `target` (a path or binary file), streaming so it stays small in memory.
    Action n has ref "T{n // 500}.{n}", status "On track" and update "Update n for <Mon-yy>".
    Returns the months as dates."""
    year, month = first_month
    month_dates = []
    for _ in range(months):
        month_dates.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    sheet.append(["Plan monitoring workbook"])
    header = ["Workstream", "Ref", "Action", "Director", "Lead officer", "Lead Cabinet Member",
              "Start date", "Due date", "Main action risk", "Outcome"]  # fmt: skip
    for day in month_dates:
        label = day.strftime("%B %Y")
        header += [f"Status ({label})", f"Update ({label})"]
    sheet.append(header)
    for number in range(actions):
        row = [f"Workstream {number // 50}" if number % 50 == 0 else None,
               f"T{number // 500}.{number}", f"Deliver part {number} of the plan",
               "Director of Place", f"Officer {number % 40}", "Deputy Leader",
               datetime.datetime(2023, 1, 1), datetime.datetime(2025, 3, 1), "N/A",
               "Residents notice the difference"]  # fmt: skip
        for day in month_dates:
            row += ["On track", f"Update {number} for {day:%b-%y}"]
        sheet.append(row)
    workbook.save(target)
    return month_dates


def replace_text(book, placeholder, text):
    """The workbook with `placeholder` replaced by `text` in its XML: how tests make cells
    longer than openpyxl will write (it cuts text at Excel's 32,767 characters)."""
    out = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith(".xml"):
                data = data.replace(placeholder.encode(), text.encode())
            target.writestr(item, data)
    out.seek(0)
    return out


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)


def huge_cell(chars, shared=True):
    """A one-action workbook whose title cell holds `chars` letters: in the shared strings
    table, as Excel writes text, or with shared=False in the sheet itself (an inline string).
    The text is written to the zip a megabyte at a time, so hundreds of megabytes pack into a
    few hundred KB without the test holding them: what a "zip bomb" upload looks like."""
    placeholder = "HUGE-CELL"
    book = workbook_bytes({"Plan": [["Ref", "Action"], ["A1", placeholder]]})
    inline = f'inlineStr"><is><t>{placeholder}</t></is>'.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if shared and item.filename == "[Content_Types].xml":
                override = (
                    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS}"/>'
                )
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            elif shared and item.filename == "xl/_rels/workbook.xml.rels":
                relation = f'<Relationship Id="rIdStrings" Type="{SHARED_STRINGS_REL}" Target="sharedStrings.xml"/>'
                data = data.replace(b"</Relationships>", relation.encode() + b"</Relationships>")
            if inline not in data:
                target.writestr(item, data)
                continue
            if shared:
                target.writestr(item, data.replace(inline, b's"><v>0</v>'))
                name = "xl/sharedStrings.xml"
                before = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>'.encode()
                after = b"</t></si></sst>"
            else:
                name = item.filename
                before, after = data.split(placeholder.encode())
            with target.open(name, "w", force_zip64=True) as part:
                part.write(before)
                chunk = b"x" * (1024 * 1024)
                for _ in range(chars // len(chunk)):
                    part.write(chunk)
                part.write(b"x" * (chars % len(chunk)))
                part.write(after)
    out.seek(0)
    return out
