"""Exports: the tracker's rows as shown (CSV and Excel), and the whole plan as JSON.

A cell that starts with =, +, -, @ (or a tab or carriage return), or has one straight after a
separator or line break, is prefixed with an apostrophe, and every CSV cell is quoted, so no
spreadsheet ever runs it as a formula, whichever separator it splits on: exports carry text
officers typed.
"""

import csv
import datetime
import io
import re
from urllib.parse import quote

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from plans.filters import NOT_FILTERS
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


def tracker_table(rows, current, added=()):
    """(header, rows) of the tracker's columns, for its rows as the tracker view prepares
    them (dicts of summary.ROW_FIELDS with `status` and `needs_update`), then the `added`
    columns (ActionFilter.added_columns). Those come last, so the usual columns keep their
    letters, and a workbook's formulas or macros built on them, whatever columns are chosen."""
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
    for key, heading, _ in added:
        header += ["Start (as written)", "Start date"] if key == "start" else [heading]
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
            *[value for key, _, _ in added for value in _added_values(row, key)],
        ]
        for row in rows
    ]
    return header, table


def _added_values(row, key):
    if key == "director":
        return [row["director__name"] or ""]
    if key == "start":
        return [row["start_text"], row["start_date"]]
    if key == "last_status":
        return [row["last_status"].label if row["last_status"] else "No update"]
    if key == "last_narrative":
        return [row["last_narrative"] or ""]
    return [row[key]]  # member_lead, other_leads


def file_name(plan, filters, extension):
    """The download's name: the plan, the committee and the other filters in use, and the
    month it shows, e.g. "corporate-plan-committee-cabinet-red-2024-02.xlsx". Without the
    filters a second download of another view would look the same as the first."""
    chosen = filters.form.cleaned_data
    parts = [plan.slug]
    if committee := chosen.get("committee"):
        parts.append(f"committee-{committee.slug}")
    words = dict(filters.in_use())
    for name, value in chosen.items():
        if not value or name in (*NOT_FILTERS, "month", "committee"):
            continue
        if isinstance(value, bool):
            parts.append(name)
        elif isinstance(value, datetime.date):
            parts.append(f"{name}-{value.isoformat()}")
        else:
            parts.append(words[filters.form.fields[name].label])
    month = filters.as_at or filters.current or timezone.localdate()
    stem = slugify(" ".join(parts), allow_unicode=True).replace("_", "-")[:120].strip("-")
    return f"{stem}-{month:%Y-%m}.{extension}"


def content_disposition(name):
    """An attachment header with a plain ASCII `filename` every browser reads, and the name
    itself (in UTF-8, as RFC 6266 allows) as `filename*` for those that read that."""
    ascii_name = slugify(name.rsplit(".", 1)[0]) + "." + name.rsplit(".", 1)[1]
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


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


# Column widths in characters, by header (before any comma); anything else gets 16.
WIDTHS = {
    "Action": 60,
    "Latest update": 80,
    "Theme": 30,
    "Workstream": 30,
    "Lead officer": 24,
    "Other leads": 30,
    "Director": 24,
    "Member lead": 24,
    "Update": 80,  # last month's, "Update, January 2024"
}


def to_xlsx(header, rows, title):
    """An .xlsx workbook: bold header row frozen at the top (and repeated on every printed
    page), an autofilter on it, set widths, wrapped text, real dates, and every text cell
    written as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(name.split(",")[0], 16)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    sheet.print_title_rows = "1:1"
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
