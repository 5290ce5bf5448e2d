"""The one way a due date is written for people: "Mar-24 (by 31 March 2024)", the words the plan
used and the last day they mean. `{% load due_dates %}` then
`{{ action.due_text|due:action.due_date }}`; pages, reports and emails all use it."""

import datetime

from django import template

from plans import ratings

register = template.Library()


@register.filter
def due(text, date):
    """`text` is the due date as written, `date` the date derived from it."""
    return due_label(text, date)


def due_label(text: str | None, date: datetime.date | None) -> str:
    """ "Mar-24 (by 31 March 2024)"; the words alone when they name no date ("Ongoing");
    "Not set" when there are none."""
    text = (text or "").strip()
    if not text:
        return "Not set"
    end = ratings.deadline(date, text)
    if end is None:
        return text
    return f"{text} (by {end.day} {end:%B %Y})"
