"""Exports: the tracker's rows as shown (CSV and Excel), and the whole plan as JSON.

A cell that starts with =, +, -, @ (or a tab or carriage return), or has one straight after a
separator or line break, is prefixed with an apostrophe, and every CSV cell is quoted, so no
spreadsheet ever runs it as a formula, whichever separator it splits on: exports carry text
officers typed.
"""

import csv
import io
import re

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from plans.models import Action, Recommendation, Status, Theme, Update, Workstream
from tracker import policy

# A formula's first character, at the start or after anything a spreadsheet may split cells
# or rows on (OWASP's CSV injection guidance).
_FORMULA = re.compile(r"(?:^|[,;\t\r\n])[=+\-@\t\r]")


def safe(value):
    """The value, made inert if a spreadsheet would read it, or any part of it, as a formula."""
    if isinstance(value, str) and _FORMULA.search(value):
        return "'" + value
    return value


def update_state(row, current):
    """What the tracker's last column says about the update for the current month."""
    if row["has_current_update"]:
        return "Received"
    if current is None or not row["needs_update"]:
        return "Not needed"
    return "Missing"


def tracker_table(rows, current):
    """(header, rows) of the tracker's columns, for its rows as the tracker view prepares
    them (dicts of summary.ROW_FIELDS with `status` and `needs_update`)."""
    header = [
        "Theme",
        "Workstream",
        "Ref",
        "Part of",
        "Action",
        "Lead officer",
        "Due (as written)",
        "Due date",
        "Status",
        "RAG",
        "Status month",
        "Latest update",
        f"Update for {current:%B %Y}" if current else "Update for this month",
    ]
    table = [
        [
            row["theme__name"],
            row["workstream__name"] or "",
            row["ref"],
            row["parent_ref"] or "",
            row["title"],
            row["lead_officer__name"] or "",
            row["due_text"],
            row["due_date"],
            row["status"].label if row["status"] else "No update",
            row["status"].get_rag_display() if row["status"] else "",
            f"{row['latest_month']:%B %Y}" if row["latest_month"] else "",
            row["latest_narrative"] or "",
            update_state(row, current),
        ]
        for row in rows
    ]
    return header, table


def to_csv(header, rows):
    """UTF-8 with a byte-order mark, so Excel opens it with the right characters."""
    out = io.StringIO()
    out.write("\ufeff")
    # Quoted, so a separator inside a cell never starts a new cell.
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return out.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe(value)


# Column widths in characters, by header; anything else gets 16.
WIDTHS = {"Action": 60, "Latest update": 80, "Theme": 30, "Workstream": 30, "Lead officer": 24}


def to_xlsx(header, rows, title):
    """An .xlsx workbook: bold header row frozen at the top, set widths, wrapped text, real
    dates, and every text cell written as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(name, 16)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    top = Alignment(vertical="top", wrap_text=True)
    sheet.append([_cell(sheet, name, font=bold, alignment=top) for name in header])
    for row in rows:
        sheet.append([_cell(sheet, value, alignment=top) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value, **style):
    cell = WriteOnlyCell(sheet, value=safe(value))
    if isinstance(value, str):
        cell.data_type = "s"  # never "f", whatever the text starts with
    elif value is not None and hasattr(value, "isoformat"):
        cell.number_format = "d mmm yyyy"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else None


def _month(value):
    return f"{value:%Y-%m}"


def _iso(value):
    return value.isoformat() if value else None


def plan_json(plan):
    """The whole plan as plain data: its statuses, themes with their workstreams, and every
    action with all its fields and every published update (updates awaiting sign-off are
    left out, as they are for councillors). Ten queries whatever the plan's size."""
    statuses = Status.objects.filter(plan=plan)
    themes = Theme.objects.filter(plan=plan).select_related("priority")
    workstreams = Workstream.objects.filter(theme__plan=plan).order_by("sort_order", "name")
    actions = (
        Action.objects.filter(plan=plan)
        .select_related("theme", "workstream", "parent", "director", "lead_officer", "update_owner")
        .prefetch_related(
            "other_leads",
            "committees",
            "priorities",
            Prefetch("recommendations", queryset=Recommendation.objects.select_related("source")),
            Prefetch(
                "updates",
                queryset=Update.objects.visible_to(policy.EVERYONE)
                .select_related("status", "author", "on_behalf_of")
                .order_by("month"),
            ),
        )
        .order_by("theme__sort_order", "sort_order", "ref")
    )
    streams = {}
    for stream in workstreams:
        streams.setdefault(stream.theme_id, []).append({"name": stream.name})
    return {
        "plan": {
            "name": plan.name,
            "slug": plan.slug,
            "organisation": plan.organisation,
            "start": _iso(plan.start),
            "end": _iso(plan.end),
            "count_parent_actions": plan.count_parent_actions,
            "exported_at": timezone.now().isoformat(),
        },
        "statuses": [
            {
                "label": s.label,
                "code": s.code,
                "rag": s.rag,
                "definition": s.definition,
                "leadership_action": s.leadership_action,
                "counted": s.counted,
                "counts_as_done": s.counts_as_done,
                "needs_evidence": s.needs_evidence,
            }
            for s in statuses
        ],
        "themes": [
            {
                "name": theme.name,
                "priority": theme.priority.name if theme.priority else None,
                "workstreams": streams.get(theme.pk, []),
            }
            for theme in themes
        ],
        "actions": [_action_json(action) for action in actions],
    }


def _action_json(action):
    post = lambda p: p.name if p else None  # noqa: E731
    return {
        "ref": action.ref,
        "theme": action.theme.name,
        "workstream": action.workstream.name if action.workstream else None,
        "parent": action.parent.ref if action.parent else None,
        "title": action.title,
        "description": action.description,
        "director": post(action.director),
        "lead_officer": post(action.lead_officer),
        "other_leads": [p.name for p in action.other_leads.all()],
        "update_owner": post(action.update_owner),
        "member_lead": action.member_lead,
        "committees": [c.name for c in action.committees.all()],
        "other_priorities": [p.name for p in action.priorities.all()],
        "recommendations": [
            {"source": r.source.name, "number": r.number, "text": r.text}
            for r in action.recommendations.all()
        ],
        "start_text": action.start_text,
        "start_date": _iso(action.start_date),
        "due_text": action.due_text,
        "due_date": _iso(action.due_date),
        "risk": action.risk,
        "outcome": action.outcome,
        "source": action.source,
        "statutory": action.statutory,
        "contract": action.contract,
        "efficiency": action.efficiency,
        "support_function": action.support_function,
        "updates": [
            {
                "month": _month(update.month),
                "status": update.status.label,
                "rag": update.status.rag,
                "narrative": update.narrative,
                "no_change": update.no_change,
                "projected_completion": _iso(update.projected_completion),
                "signature": update.signature,
                "author": _name(update.author),
                "on_behalf_of": _name(update.on_behalf_of),
                "imported": update.imported,
                "updated_at": update.updated_at.isoformat(),
                "version": update.version,
            }
            for update in action.updates.all()
        ],
    }
