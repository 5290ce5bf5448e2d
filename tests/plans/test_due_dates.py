"""One way of writing a due date, on every page that shows one."""

import datetime

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from plans.models import Round
from plans.templatetags.due_dates import due_label
from tests import factories

D = datetime.date


@pytest.mark.parametrize(
    ("text", "date", "expected"),
    [
        ("Mar-24", D(2024, 3, 1), "Mar-24 (by 31 March 2024)"),  # a month: by its end
        ("February 2024", D(2024, 2, 1), "February 2024 (by 29 February 2024)"),
        ("15/03/2024", D(2024, 3, 15), "15/03/2024 (by 15 March 2024)"),  # a day: that day
        ("Ongoing", None, "Ongoing"),  # words naming no date stay as written
        ("", None, "Not set"),
    ],
)
def test_a_due_date_is_written_as_the_plan_wrote_it_and_the_last_day_it_means(text, date, expected):
    assert due_label(text, date) == expected


def test_the_filter_templates_and_emails_load_gives_the_same(plan):
    action = factories.action(plan, "OC.A2.1", due_text="Mar-24")
    template = Template("{% load due_dates %}{{ action.due_text|due:action.due_date }}")
    assert template.render(Context({"action": action})) == "Mar-24 (by 31 March 2024)"


@pytest.fixture
def action(plan, people):
    with time_machine.travel(datetime.datetime(2024, 2, 20, 10, tzinfo=datetime.UTC)):
        Round.objects.create(plan=plan, month=D(2024, 2, 1), due=D(2024, 3, 8))
    return factories.action(plan, "OC.A2.1", lead="Head of HR", due_text="Mar-24")


def words(client, url):
    return " ".join(client.get(url).content.decode().split())


@pytest.mark.parametrize(
    "page",
    [
        lambda a: reverse("plans:tracker", args=[a.plan.slug]),
        lambda a: a.get_absolute_url(),
        lambda a: a.update_url(D(2024, 2, 1)),
        lambda a: reverse("plans:update_all", args=[a.plan.slug]),
    ],
    ids=["tracker", "action", "update form", "update all"],
)
def test_every_page_writes_the_due_date_the_same_way(action, client_for, page):
    assert "Mar-24 (by 31 March 2024)" in words(client_for("lead"), page(action))
