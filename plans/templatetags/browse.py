"""The tracker's table rows and filter fields, built in Python: through the template engine a
plan's 500 rows take several times longer than the rest of the page. `{% load browse %}`."""

from html import escape as escape_text

from django import forms, template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from plans.templatetags.due_dates import due_label
from tracker.templatetags.govuk import status_tag

register = template.Library()

# Column number -> extra classes: the ref column is indented for sub-actions; narratives grey.
CELL_CLASSES = {0: " app-tracker__ref", 6: " app-tracker__narrative"}


@register.filter
def shorten(text, length):
    """At most `length` characters on one line, ending in an ellipsis when cut. Quicker than
    truncatechars, which matters in lists of hundreds."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@register.simple_tag
def action_rows(rows, action_url, current, flat=False):
    """One <tr> per row of the tracker (dicts from plans.views.browse): ref (indented under its
    focus action unless `flat`), title linking to `action_url` + ref, lead officer, due date as
    written and as derived, status, its month, the opening of the narrative, and, when there is
    a `current` month, whether its update is in."""
    # Python's own escape: the same output as Django's, without its lazy-string wrapper, which
    # costs more than the escaping across a plan's thousands of cells. Plain strings only.
    escape = escape_text
    tags = {}  # the handful of statuses' tags, each built once
    html = []
    for row in rows:
        ref = escape(row["ref"])
        child = row["parent_ref"] is not None
        cells = [
            f"<strong>{ref}</strong>" if row["has_children"] else ref,
            f'<a class="govuk-link" href="{action_url}{ref}/">'
            f"{escape(shorten(row['title'], 160))}</a>",
            escape(row["lead_officer__name"] or ""),
            escape(due_label(row["due_text"], row["due_date"])),
        ]
        if child:
            cells[0] += (
                f'<span class="govuk-visually-hidden">, part of {escape(row["parent_ref"])}</span>'
            )
        if flat:
            place = row["theme__name"]
            if row["workstream__name"]:
                place += f": {row['workstream__name']}"
            cells[1] += f'<span class="app-tracker__context">{escape(place)}</span>'
        if status := row["status"]:
            if status.pk not in tags:
                tags[status.pk] = status_tag(status)
            cells.append(tags[status.pk])
        elif row["has_children"] and not row["needs_update"]:
            cells.append('<span class="app-secondary">See sub-actions</span>')
        else:
            cells.append('<span class="app-secondary">No update yet</span>')
        cells.append(f"{row['latest_month']:%b %Y}" if row["latest_month"] else "")
        cells.append(escape(shorten(row["latest_narrative"] or "", 180)))
        if current:
            if row["has_current_update"]:
                cells.append("Received")
            elif row["needs_update"]:
                cells.append('<strong class="app-missing">Missing</strong>')
            else:
                cells.append('<span class="app-secondary">Not needed</span>')
        html.append(
            f'<tr class="govuk-table__row{" app-tracker__child" if child and not flat else ""}">'
            + "".join(
                f'<td class="govuk-table__cell{CELL_CLASSES.get(n, "")}">{cell}</td>'
                for n, cell in enumerate(cells)
            )
            + "</tr>"
        )
    return mark_safe("\n".join(html))  # every value in it was escaped above


@register.simple_tag
def filter_field(field):
    """One filter as a GOV.UK form group: a select, a text or date input, small checkboxes for
    a multiple choice, or a single checkbox. Built here rather than by Django's widget
    templates, which take longer than the whole of the tracker's table."""
    widget = field.field.widget
    name, id_ = field.html_name, field.auto_id
    label = escape(field.label)
    value = field.value()
    hint = (
        f'<div class="govuk-hint" id="{id_}_hint">{escape(field.help_text)}</div>'
        if field.help_text
        else ""
    )
    described = f' aria-describedby="{id_}_hint"' if field.help_text else ""
    errors = "".join(
        f'<p class="govuk-error-message" id="{id_}_error">'
        f'<span class="govuk-visually-hidden">Error:</span> {escape(error)}</p>'
        for error in field.errors
    )
    group = f"govuk-form-group{' govuk-form-group--error' if field.errors else ''}"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        chosen = {str(v) for v in value or []}
        items = "".join(
            f'<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" '
            f'id="{id_}_{n}" name="{name}" type="checkbox" value="{escape(choice)}"'
            f'{" checked" if str(choice) in chosen else ""}><label class="govuk-label '
            f'govuk-checkboxes__label" for="{id_}_{n}">{escape(text)}</label></div>'
            for n, (choice, text) in enumerate(field.field.choices, start=1)
        )
        return mark_safe(
            f'<div class="{group}"><fieldset class="govuk-fieldset"><legend class="'
            f'govuk-fieldset__legend govuk-fieldset__legend--s">{label}</legend>{errors}'
            f'<div class="govuk-checkboxes govuk-checkboxes--small">{items}</div>'
            f"</fieldset></div>"
        )
    if isinstance(widget, forms.CheckboxInput):
        return mark_safe(
            f'<div class="{group}"><div class="govuk-checkboxes govuk-checkboxes--small">'
            f'<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" '
            f'id="{id_}" name="{name}" type="checkbox" value="on"{" checked" if value else ""}>'
            f'<label class="govuk-label govuk-checkboxes__label" for="{id_}">{label}</label>'
            f"</div></div></div>"
        )
    if isinstance(widget, forms.Select):
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(choice)}"{" selected" if str(choice) == chosen else ""}>'
            f"{escape(text)}</option>"
            for choice, text in field.field.choices
        )
        control = (
            f'<select class="govuk-select" id="{id_}" name="{name}"{described}>{options}</select>'
        )
    else:
        kind = widget.attrs.get("type", widget.input_type)
        shown = "" if value is None else escape(value)
        control = (
            f'<input class="govuk-input" id="{id_}" name="{name}" type="{kind}" '
            f'value="{shown}"{described}>'
        )
    return mark_safe(
        f'<div class="{group}"><label class="govuk-label govuk-label--s" for="{id_}">{label}'
        f"</label>{hint}{errors}{control}</div>"
    )


@register.simple_tag
def moved_items(moved, action_url):
    """One <li> per action in a dashboard movement list: its ref and title, linked, and its
    status before and after."""
    return mark_safe(  # every value in it is escaped
        "".join(
            f'<li><a class="govuk-link" href="{action_url}{escape(item.ref)}/">'
            f"{escape(item.ref)} {escape(shorten(item.title, 100))}</a>: "
            f"{escape(item.before.label) if item.before else 'no status'} "
            f'<span aria-hidden="true">→</span><span class="govuk-visually-hidden">to</span> '
            f"{escape(item.after.label)}</li>"
            for item in moved
        )
    )


@register.simple_tag
def worrying_rows(rows, action_url):
    """One <tr> per red or amber action on the dashboard (summary.Worrying)."""
    return mark_safe(  # every value in it is escaped
        "".join(
            f'<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell app-tracker__ref">{escape(row.ref)}</td>'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{action_url}'
            f'{escape(row.ref)}/">{escape(shorten(row.title, 120))}</a></td>'
            f'<td class="govuk-table__cell">{escape(row.lead_officer or "")}</td>'
            f'<td class="govuk-table__cell">{status_tag(row.status)}</td>'
            f'<td class="govuk-table__cell">{row.month:%b %Y}</td>'
            f'<td class="govuk-table__cell app-tracker__narrative">'
            f"{escape(shorten(row.narrative, 180))}</td></tr>"
            for row in rows
        )
    )
