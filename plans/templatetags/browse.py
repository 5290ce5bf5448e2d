"""The tracker's table rows, built in Python: through the template engine a plan's 500 rows
take several times longer than the rest of the page. Everything else here hands its markup to
a template. `{% load browse %}`."""

from functools import cache
from html import escape

from django import forms, template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from plans import summary
from plans.templatetags.due_dates import due_label
from tracker.templatetags.govuk import status_tag

register = template.Library()

# Cell classes by column: the ref column is indented for sub-actions; narratives grey.
CELL_CLASSES = {
    "ref": " app-tracker__ref",
    "narrative": " app-tracker__narrative",
    "last_narrative": " app-tracker__narrative",
}
# A narrative longer than this shows its opening, with the whole of it in a "Full update".
OPENING = 180
# Stands for the ref in an action's URL reversed once per page (see action_url); a slug cannot
# hold a "~", so it is found only where the ref goes.
REF = "~ref~"


def action_url(slug):
    """An action's URL with `REF` in place of its ref: reversing a URL per row is slow on big
    plans, so a page reverses this once and `action_link` puts each row's ref in."""
    return reverse("plans:action", args=[slug, REF])


@register.filter
def action_link(url, ref):
    """The URL of the action `ref`, from `url` as action_url gives it (to be autoescaped)."""
    return url.replace(REF, ref)


def status_tags():
    """status -> the HTML of its tag (components/tag.html), each rendered once: a list of
    hundreds of rows repeats a handful of statuses, and rendering a template per row is slow."""
    return cache(lambda status: render_to_string("components/tag.html", status_tag(status)))


@register.filter
def shorten(text, length):
    """At most `length` characters on one line, ending in an ellipsis when cut. Quicker than
    truncatechars, which matters in lists of hundreds."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@register.filter
def narrative(text, whose):
    """A narrative in a list: whole when short; when long, its opening with the whole of it in
    a GOV.UK details element ("Full update", no JavaScript needed) and again in a block only
    printed, because CSS cannot open a details element and a printout shows everything.
    `whose` ends the summary's words for screen readers ("Full update for CM.A1.1")."""
    text = (text or "").strip()
    opening = shorten(text, OPENING)
    if len(opening) == len(" ".join(text.split())):  # nothing was cut
        return mark_safe(escape(opening))
    whole = escape(text)
    return mark_safe(
        f'<span class="app-opening app-no-print">{escape(opening)}</span>'
        '<details class="govuk-details app-full-update app-no-print">'
        '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
        f'Full update<span class="govuk-visually-hidden"> for {escape(whose)}</span></span>'
        f'</summary><div class="govuk-details__text app-whole-text">{whole}</div></details>'
        f'<span class="app-print-only app-whole-text">{whole}</span>'
    )


def _added_cells(row, added, tag, last_month):
    """(key, HTML) of the chosen columns, for action_rows."""
    for key in added:
        if key == "director":
            html = escape(row["director__name"] or "")
        elif key == "member_lead":
            html = escape(row["member_lead"])
        elif key == "start":
            html = escape(due_label(row["start_text"], row["start_date"]))
        elif key == "other_leads":
            html = escape(row["other_leads"])
        elif key == "last_status":
            status = row["last_status"]
            html = tag(status) if status else '<span class="app-secondary">No update</span>'
        else:
            html = narrative(row["last_narrative"], f"{row['ref']}, {last_month}")
        yield key, html


@register.simple_tag
def action_rows(rows, action_url, current, flat=False, added=()):
    """One <tr> per row of the tracker (dicts from plans.views.browse): ref (indented under its
    focus action unless `flat`), title in full linking to the action (`action_url` as
    action_url gives it), lead officer, due date as written and as derived, status, its month,
    the narrative (see `narrative`), and, when there is a `current` month, whether its update
    is in; and the `added` columns (ActionFilter.added_columns), each after the one it follows.

    Python's html.escape gives the same output as Django's escape without its lazy-string
    wrapper, which costs more than the escaping across a plan's thousands of cells."""
    link_before, link_after = action_url.split(REF)
    tag = status_tags()
    after = {}
    last_month = ""  # the month of last month's update, said to screen readers
    for key, heading, follows in added:
        after.setdefault(follows, []).append(key)
        if key == "last_narrative":
            last_month = heading.removeprefix("Update, ")
    html = []
    for row in rows:
        ref = escape(row["ref"])
        child = row["parent_ref"] is not None
        cells = [
            ("ref", f"<strong>{ref}</strong>" if row["has_children"] else ref),
            (
                "title",
                f'<a class="govuk-link" href="{link_before}{ref}{link_after}">'
                f"{escape(row['title'])}</a>",
            ),
            ("lead", escape(row["lead_officer__name"] or "")),
            *_added_cells(row, after.get("lead", ()), tag, last_month),
            ("due", escape(due_label(row["due_text"], row["due_date"]))),
            *_added_cells(row, after.get("due", ()), tag, last_month),
        ]
        if child:
            cells[0] = (
                "ref",
                cells[0][1]
                + f'<span class="govuk-visually-hidden">, part of {escape(row["parent_ref"])}</span>',
            )
        if flat:
            place = row["theme__name"]
            if row["workstream__name"]:
                place += f": {row['workstream__name']}"
            cells[1] = (
                "title",
                cells[1][1] + f'<span class="app-tracker__context">{escape(place)}</span>',
            )
        if status := row["status"]:
            cells.append(("status", tag(status)))
        elif row["has_children"] and not row["needs_update"]:
            cells.append(("status", '<span class="app-secondary">See sub-actions</span>'))
        else:
            cells.append(("status", '<span class="app-secondary">No update yet</span>'))
        cells.append(("month", f"{row['latest_month']:%b %Y}" if row["latest_month"] else ""))
        cells.append(("narrative", narrative(row["latest_narrative"], row["ref"])))
        if current:
            if row["has_current_update"]:
                cells.append(("current", "Received"))
            elif row["needs_update"]:
                cells.append(("current", '<strong class="app-missing">Missing</strong>'))
            else:
                cells.append(("current", '<span class="app-secondary">Not needed</span>'))
        html.append(
            f'<tr class="govuk-table__row{" app-tracker__child" if child and not flat else ""}">'
            + "".join(
                f'<td class="govuk-table__cell{CELL_CLASSES.get(key, "")}">{cell}</td>'
                for key, cell in cells
            )
            + "</tr>"
        )
    return mark_safe("\n".join(html))  # every value in it was escaped above


@register.inclusion_tag("components/filter_field.html")
def filter_field(field):
    """One filter as a GOV.UK form group (components/filter_field.html): a select, a text or
    date input, small checkboxes for a multiple choice, or a single checkbox. The choices are
    worked out here, once: Django's own widget templates render each option through the
    template engine and take longer than the whole of the tracker's table."""
    widget = field.field.widget
    value = field.value()
    if isinstance(widget, forms.CheckboxSelectMultiple):
        kind = "checkboxes"
        chosen = {str(v) for v in value or []}
        choices = [(str(c), text, str(c) in chosen) for c, text in field.field.choices]
    elif isinstance(widget, forms.CheckboxInput):
        kind, choices = "checkbox", None
    elif isinstance(widget, forms.Select):
        kind = "select"
        chosen = "" if value is None else str(value)
        choices = [(str(c), text, str(c) == chosen) for c, text in field.field.choices]
    else:
        kind, choices = widget.attrs.get("type", widget.input_type), None
        value = "" if value is None else str(value)
    return {"field": field, "kind": kind, "choices": choices, "value": value}


@register.inclusion_tag("plans/_moved_items.html")
def moved_items(moved, action_url):
    """One <li> per action in a dashboard movement list, up to summary.LIST_LIMIT: its ref and
    title, linked, and its status before and after."""
    return {"moved": moved[: summary.LIST_LIMIT], "action_url": action_url}


@register.inclusion_tag("plans/_worrying_rows.html")
def worrying_rows(rows, action_url):
    """One <tr> per red or amber action on the dashboard (summary.Worrying), up to
    summary.LIST_LIMIT, with its status's tag."""
    tag = status_tags()
    return {
        "rows": [(row, tag(row.status)) for row in rows[: summary.LIST_LIMIT]],
        "action_url": action_url,
    }
