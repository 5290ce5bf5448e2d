"""Small GOV.UK Design System components as template tags: `{% load govuk %}`."""

from django import forms, template
from django.utils.safestring import mark_safe

register = template.Library()

# RAG colour -> GOV.UK tag modifier. Amber uses yellow rather than orange: its text contrast
# is higher (7.7:1 against 7.1:1) and it is easier to tell apart from red.
TAG_CLASSES = {
    "green": "govuk-tag--green",
    "amber": "govuk-tag--yellow",
    "red": "govuk-tag--red",
    "grey": "govuk-tag--grey",
    "blue": "govuk-tag--blue",
}


@register.inclusion_tag("components/tag.html")
def status_tag(status, empty="No update"):
    """A tag naming the status, coloured by its RAG value. The words always carry the meaning;
    the colour only repeats it. With no status (no update yet) it says `empty`, in grey."""
    if status is None:
        return {"colour": TAG_CLASSES["grey"], "text": empty}
    return {"colour": TAG_CLASSES.get(status.rag, TAG_CLASSES["grey"]), "text": status.label}


@register.tag
def summary_row(parser, token):
    """`{% summary_row "Key" %}value{% endsummary_row %}`: one row of a GOV.UK summary list
    (components/summary_row.html), its value whatever the template between renders."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("summary_row takes one argument, the row's key")
    nodelist = parser.parse(("endsummary_row",))
    parser.delete_first_token()
    return SummaryRowNode(parser.compile_filter(bits[1]), nodelist)


class SummaryRowNode(template.Node):
    def __init__(self, key, nodelist):
        self.key, self.nodelist = key, nodelist

    def render(self, context):
        row = context.template.engine.get_template("components/summary_row.html")
        value = mark_safe(self.nodelist.render(context))  # the nodelist escaped what it rendered
        with context.push(key=self.key.resolve(context), value=value):
            return row.render(context)


@register.filter
def field_anchor(field):
    """The id of the input an error summary link should move focus to.

    crispy-forms-gds numbers radios and checkboxes from 1 and date parts from 0, so the first
    of those gets the link rather than an id that is not on the page.
    """
    widget = field.field.widget
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return f"id_{field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id
