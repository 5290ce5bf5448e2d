from types import SimpleNamespace

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse


def render(source, **context):
    return Template("{% load govuk %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("rag", "css"),
    [
        ("green", "govuk-tag--green"),
        ("amber", "govuk-tag--yellow"),
        ("red", "govuk-tag--red"),
        ("grey", "govuk-tag--grey"),
        ("blue", "govuk-tag--blue"),
    ],
)
def test_status_tag_names_the_status_and_colours_it(rag, css):
    status = SimpleNamespace(label="On track", rag=rag)
    html = render("{% status_tag status %}", status=status)
    assert html == f'<strong class="govuk-tag {css}">On track</strong>'


def test_status_tag_escapes_the_label():
    status = SimpleNamespace(label="<b>Late</b> & over", rag="red")
    html = render("{% status_tag status %}", status=status)
    assert "&lt;b&gt;Late&lt;/b&gt; &amp; over" in html


def test_status_tag_for_an_unknown_colour_is_grey():
    html = render("{% status_tag status %}", status=SimpleNamespace(label="Paused", rag="mauve"))
    assert html == '<strong class="govuk-tag govuk-tag--grey">Paused</strong>'


def test_status_tag_without_a_status_says_so():
    assert render("{% status_tag None %}") == (
        '<strong class="govuk-tag govuk-tag--grey">No update</strong>'
    )
    assert "Not due" in render('{% status_tag None "Not due" %}')


class ExampleForm(forms.Form):
    name = forms.CharField()
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Something about the whole form is wrong.")


def test_error_summary_links_each_error_to_its_field():
    form = ExampleForm(data={})
    html = render_to_string("includes/error_summary.html", {"form": form})
    assert 'class="govuk-error-summary" data-module="govuk-error-summary"' in html
    assert '<div role="alert">' in html
    assert "There is a problem" in html
    assert '<a href="#id_name">Something about the whole form is wrong.</a>' in html
    assert '<a href="#id_name">This field is required.</a>' in html
    assert '<a href="#id_colour_1">This field is required.</a>' in html
    assert "<li>Token: This field is required.</li>" in html


def test_error_summary_links_point_at_inputs_on_the_page():
    form = ExampleForm(data={})
    fields = render_to_string("includes/form_fields.html", {"form": form})
    for anchor in ("id_name", "id_colour_1"):
        assert f'id="{anchor}"' in fields


def test_error_summary_is_empty_before_the_form_is_sent():
    html = render_to_string("includes/error_summary.html", {"form": ExampleForm()})
    assert html.strip() == ""


@pytest.mark.django_db
def test_sign_in_errors_come_first_and_mark_the_title(client):
    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in html
    assert html.index("govuk-error-summary") < html.index("<h1")
    assert '<a href="#id_username">Please enter a correct username' in html


def test_summary_row_puts_the_key_and_the_rendered_value_in_a_summary_list_row():
    html = render(
        '{% summary_row "Lead officer" %}<a href="/x/">{{ name }}</a>{% endsummary_row %}',
        name="<Head> of HR",
    )
    assert html == (
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">'
        'Lead officer</dt><dd class="govuk-summary-list__value"><a href="/x/">'
        "&lt;Head&gt; of HR</a></dd></div>"
    )


def test_summary_row_key_may_be_a_variable_and_is_escaped():
    html = render("{% summary_row key %}None{% endsummary_row %}", key="Theme & <b>")
    assert '<dt class="govuk-summary-list__key">Theme &amp; &lt;b&gt;</dt>' in html
