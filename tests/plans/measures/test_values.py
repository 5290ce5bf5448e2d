"""Entering a measure's figure: only its owner (or a delegate, or a performance officer), only
for the period the open round asks for, every wording kept, and stale saves refused."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from plans.models import MeasureValue, MeasureValueRevision, Plan, Round
from tests import factories

FEB = datetime.date(2024, 2, 1)
Q3 = datetime.date(2023, 10, 1)  # October to December 2023: what February's round asks for
Q4 = datetime.date(2024, 1, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2024, 2, 20, 10, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def round_(plan):
    return Round.objects.create(plan=plan, month=FEB, due=datetime.date(2024, 3, 8))


@pytest.fixture
def measure(plan, people, round_):
    people["lead"].first_name, people["lead"].last_name = "Dana", "Smith"
    people["lead"].save()
    return factories.measure(
        plan,
        "Appraisals completed on time",
        owner="Head of HR",
        frequency="quarterly",
        tolerance=Decimal("5"),
        targets={"2023-07": "90", "2023-10": "90", "2024-01": "90"},
        values={"2023-07": "91"},
    )


def url(measure, period=Q3):
    return reverse(
        "plans:measure_value", args=[measure.plan.slug, measure.pk, period.year, period.month]
    )


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_owner_enters_the_quarter_the_round_asks_for(measure, client_for, people):
    client = client_for("lead")
    page = text(client.get(url(measure)))
    assert "Quarter 3 2023/24 (October to December 2023)" in page
    assert "Target 90%" in page
    assert "Previous figure 91% for Q2 2023/24 (target 90%)" in page
    response = client.post(url(measure), {"version": 0, "value": "92.5%", "commentary": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:measure", args=[measure.plan.slug, measure.pk])
    entry = MeasureValue.objects.get(measure=measure, period=Q3)
    assert (entry.value, entry.author, entry.version) == (Decimal("92.5"), people["lead"], 1)
    page = text(client.get(response["Location"]))
    assert "Appraisals completed on time: the Q3 2023/24 figure is saved." in page


def test_a_figure_short_of_its_target_needs_a_commentary(measure, client_for):
    client = client_for("lead")
    response = client.post(url(measure), {"version": 0, "value": "86", "commentary": " "})
    assert response.status_code == 200
    assert "Say why the figure misses its target and what is being done" in text(response)
    assert not MeasureValue.objects.filter(period=Q3).exists()
    client.post(url(measure), {"version": 0, "value": "86", "commentary": "Two teams late."})
    assert MeasureValue.objects.get(period=Q3).commentary == "Two teams late."


@pytest.mark.parametrize("typed", ["ninety", "", "1e20"])
def test_a_figure_must_be_a_number(measure, client_for, typed):
    response = client_for("lead").post(url(measure), {"version": 0, "value": typed})
    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert not MeasureValue.objects.filter(period=Q3).exists()


@pytest.mark.parametrize("role", ["other_lead", "councillor"])
def test_only_the_owner_and_staff_may_enter_figures(measure, client_for, role):
    client = client_for(role)
    assert client.get(url(measure)).status_code == 403
    assert client.post(url(measure), {"version": 0, "value": "95"}).status_code == 403
    assert not MeasureValue.objects.filter(period=Q3).exists()


def test_a_delegate_enters_figures_for_the_owner(measure, client_for, people):
    people["lead"].delegate = people["other_lead"]
    people["lead"].save()
    response = client_for("other_lead").post(url(measure), {"version": 0, "value": "95"})
    assert response.status_code == 302
    entry = MeasureValue.objects.get(period=Q3)
    assert (entry.author, entry.on_behalf_of) == (people["other_lead"], people["lead"])


def test_other_periods_are_locked_to_the_owner(measure, client_for, round_):
    client = client_for("lead")
    page = text(client.get(url(measure, Q4)))
    assert "The February 2024 round asks for the Q3 2023/24 value, so Q4 2023/24 is locked." in page
    response = client.post(url(measure, Q4), {"version": 0, "value": "95", "commentary": "Hi"})
    assert response.status_code == 403
    assert "Nothing was saved; your text is below to copy." in text(response)
    assert 'value="95"' in response.content.decode()
    round_.closed_at = datetime.datetime(2024, 3, 9, tzinfo=datetime.UTC)
    round_.save()
    assert "No update round is open" in text(client.get(url(measure)))
    assert not MeasureValue.objects.filter(period__in=[Q3, Q4]).exists()


def test_a_period_that_does_not_start_a_quarter_is_not_found(measure, client_for):
    november = datetime.date(2023, 11, 1)
    assert client_for("lead").get(url(measure, november)).status_code == 404


def test_a_performance_officer_corrects_another_period_giving_a_reason(measure, client_for):
    client = client_for("clerk")
    july = datetime.date(2023, 7, 1)
    response = client.post(url(measure, july), {"version": 1, "value": "89", "commentary": "x"})
    assert "Say why you are correcting this value" in text(response)
    client.post(
        url(measure, july),
        {"version": 1, "value": "89", "commentary": "Recount.", "reason": "HR system fix"},
    )
    revisions = MeasureValueRevision.objects.filter(entry__period=july).order_by("version")
    assert [(r.value, r.commentary, r.reason, r.imported) for r in revisions] == [
        (Decimal("91"), "On course.", "", True),
        (Decimal("89"), "Recount.", "HR system fix", False),
    ]


def test_every_wording_is_kept_and_shown(measure, client_for):
    client = client_for("lead")
    client.post(url(measure), {"version": 0, "value": "95", "commentary": "First count."})
    client.post(url(measure), {"version": 1, "value": "94", "commentary": "Corrected count."})
    again = client.post(
        url(measure), {"version": 2, "value": "94", "commentary": "Corrected count."}
    )
    assert "nothing had changed" in text(client.get(again["Location"]))
    assert list(
        MeasureValueRevision.objects.filter(entry__period=Q3)
        .order_by("version")
        .values_list("version", "value", "commentary")
    ) == [(1, Decimal("95"), "First count."), (2, Decimal("94"), "Corrected count.")]
    page = text(client.get(reverse("plans:measure", args=[measure.plan.slug, measure.pk])))
    assert "94% : Corrected count. Entered by Dana Smith" in page
    assert "95% : First count. Entered by Dana Smith" in page


def test_a_stale_save_is_refused_and_shows_what_was_saved(measure, client_for):
    client_for("clerk").post(url(measure), {"version": 0, "value": "93", "commentary": "Mine."})
    response = client_for("lead").post(
        url(measure), {"version": 0, "value": "95", "commentary": "Theirs."}
    )
    assert response.status_code == 409
    assert "What they saved: 93% : Mine." in text(response)
    assert 'name="version" value="1"' in response.content.decode()
    assert MeasureValue.objects.get(period=Q3).value == Decimal("93")


def test_viewing_the_form_changes_nothing_and_saving_marks_the_plan_changed(measure, client_for):
    client = client_for("lead")
    before = Plan.objects.get().data_version
    client.get(url(measure))
    assert (MeasureValue.objects.count(), Plan.objects.get().data_version) == (1, before)
    client.post(url(measure), {"version": 0, "value": "95"})
    assert Plan.objects.get().data_version > before


def test_the_home_page_lists_the_figures_a_lead_officer_owes(measure, client_for):
    client = client_for("lead")
    page = text(client.get(reverse("home")))
    assert (
        "Your measures The open update round asks you for 1 figure: "
        "Appraisals completed on time: Q3 2023/24" in page
    )
    client.post(url(measure), {"version": 0, "value": "95"})
    assert "Your measures" not in text(client.get(reverse("home")))
    assert "Your measures" not in text(client_for("other_lead").get(reverse("home")))
