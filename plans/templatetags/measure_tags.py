"""Measures in templates: `{% load measure_tags %}`."""

from django import template

from plans.measures import rating
from tracker.templatetags.govuk import TAG_CLASSES

register = template.Library()

# A rating in words: the colour only repeats them.
RATINGS = {
    "green": "On target",
    "amber": "Near target",
    "red": "Off target",
}


@register.inclusion_tag("components/tag.html")
def rating_tag(rag, empty="Not rated"):
    """A tag naming a measure's rating, coloured by it; `empty` (grey) when there is none."""
    return {"colour": TAG_CLASSES.get(rag or "grey"), "text": RATINGS.get(rag, empty)}


@register.filter
def figure(value, measure):
    """`value` as the measure's unit reads: "85.5%", "£1,200", "2.1 days"."""
    return rating.format_value(value, measure.unit)


@register.filter
def period(start, measure):
    """The period starting in `start` named for the measure: "January 2024" or "Q4 2023/24"."""
    return rating.period_label(start, measure.frequency)


@register.filter
def long_period(start, measure):
    return rating.period_label(start, measure.frequency, long=True)
