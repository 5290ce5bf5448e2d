"""Writing a plan back out as a workbook in the tracker layout, which the importer reads.

One sheet per theme (title row, header row, one row per action, a Status and an Update column
per month), a "Status definitions" sheet, and, when some text is longer than an Excel cell
holds (32,767 characters), a "Continued text" sheet carrying the rest, which the importer
joins back. Every cell is written as a text cell, so text beginning with =, +, - or @ is
shown as written and never run as a formula, and reads back unchanged.
"""

import io
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from plans.excel.read import CONTINUED_SHEET
from plans.models import Action, Status, Update
from tracker import policy

CELL_LIMIT = 32_767
CONTINUED_HEADER = ["Ref", "Month", "Field", "Part", "Text"]
SHEET_NAME_LIMIT = 31

COLUMNS = [
    # header, width, how to get the value from an action
    ("Theme", 20, lambda a: a.theme.name),
    ("Workstream", 24, lambda a: a.workstream.name if a.workstream else ""),
    ("Ref", 11, lambda a: a.ref),
    ("Action", 50, lambda a: a.title),
    ("Description", 40, lambda a: a.description),
    ("Director", 22, lambda a: str(a.director or "")),
    ("Lead officer", 22, lambda a: str(a.lead_officer or "")),
    ("Lead Cabinet Member", 22, lambda a: a.member_lead),
    ("Other Leads", 22, lambda a: "\n".join(str(p) for p in a.other_leads.all())),
    ("Update Owner", 22, lambda a: str(a.update_owner or "")),
    ("Committees", 22, lambda a: "\n".join(str(c) for c in a.committees.all())),
    ("Start date", 11, lambda a: a.start_text),
    ("Due date", 11, lambda a: a.due_text),
    ("Main Action Risk", 12, lambda a: a.risk),
    ("Outcome", 30, lambda a: a.outcome),
    ("Source", 20, lambda a: a.source),
]
LONG_FIELDS = {"Action": "title", "Description": "description", "Outcome": "outcome"}


def append(sheet, row):
    """Add `row` to `sheet` with every string as a text cell, never a formula."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type != "s":
            cell.data_type = "s"


def sheet_title(name, used):
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    title = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()[:SHEET_NAME_LIMIT]
    title = title or "Theme"
    candidate, counter = title, 1
    while candidate.lower() in used or candidate.lower() in (
        "status definitions",
        CONTINUED_SHEET.lower(),
    ):
        counter += 1
        suffix = f" ({counter})"
        candidate = title[: SHEET_NAME_LIMIT - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def export_plan(plan):
    """The plan as .xlsx bytes in the tracker layout, with the updates every reader may see
    (none awaiting sign-off or returned). A fixed number of queries."""
    actions = list(
        Action.objects.filter(plan=plan)
        .select_related("theme", "workstream", "director", "lead_officer", "update_owner")
        .prefetch_related("other_leads", "committees")
        .order_by("theme__sort_order", "theme__name", "sort_order", "ref")
    )
    updates = defaultdict(dict)
    published = Update.objects.visible_to(policy.EVERYONE)
    for update in published.filter(action__plan=plan).select_related("status"):
        updates[update.action_id][update.month] = update
    months = sorted({month for by_month in updates.values() for month in by_month})

    book = Workbook()
    book.remove(book.active)
    continued = []  # [ref, month, field, part, text]
    used = set()
    by_theme = defaultdict(list)
    for action in actions:
        by_theme[action.theme].append(action)
    for theme, theme_actions in by_theme.items():
        sheet = book.create_sheet(sheet_title(theme.name, used))
        append(sheet, [theme.name])
        sheet["A1"].font = Font(bold=True, size=14)
        header = [name for name, _, _ in COLUMNS]
        for month in months:
            header += [f"Status ({month:%B %Y})", f"Update ({month:%B %Y})"]
        append(sheet, header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for action in theme_actions:
            row = []
            for name, _, value in COLUMNS:
                row.append(
                    fit(value(action), action.ref, "", LONG_FIELDS.get(name, name), continued)
                )
            for month in months:
                update = updates[action.id].get(month)
                if update is None:
                    row += [None, None]
                else:
                    narrative = fit(
                        update.narrative, action.ref, f"{month:%Y-%m}", "narrative", continued
                    )
                    row += [update.status.label, narrative]
            append(sheet, row)
        for index, (_, width, _) in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for index in range(len(COLUMNS) + 1, len(header) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 18 if index % 2 == 0 else 45
        sheet.freeze_panes = "D3"

    definitions = book.create_sheet("Status definitions")
    definitions.append(["Status", "Definition", "Leadership Team action", "RAG"])
    for status in Status.objects.filter(plan=plan):
        append(definitions, [status.label, status.definition, status.leadership_action, status.rag])
    for letter, width in zip("ABCD", (30, 60, 40, 8), strict=True):
        definitions.column_dimensions[letter].width = width

    if continued:
        sheet = book.create_sheet(CONTINUED_SHEET)
        sheet.append(CONTINUED_HEADER)
        for row in continued:
            append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fit(text, ref, month, field, continued):
    """The text for a cell; if too long for a cell, the first part, with the rest recorded
    in `continued` so nothing is cut."""
    if not isinstance(text, str) or len(text) <= CELL_LIMIT:
        return text
    parts, start = [], 0
    while start < len(text):
        end = min(start + CELL_LIMIT, len(text))
        # Cells are read back stripped, so no part may begin or end with white space.
        while (
            end < len(text) and end > start + 1 and (text[end - 1].isspace() or text[end].isspace())
        ):
            end -= 1
        parts.append(text[start:end])
        start = end
    for number, part in enumerate(parts[1:], start=2):
        continued.append([ref, month, field, number, part])
    return parts[0]
