"""Administrators set up measures with their targets, and sources with their recommendations
and the actions answering each, in the admin; figures there are read-only."""

import pytest
from django.urls import reverse

from plans.models import Measure, MeasureValue, Source
from tests import factories


@pytest.mark.parametrize(
    "name",
    [
        "admin:plans_measure_add",
        "admin:plans_measure_changelist",
        "admin:plans_source_add",
        "admin:plans_measurevalue_changelist",
    ],
)
def test_admin_pages_for_measures_and_sources_open(plan, client_for, name):
    assert client_for("admin").get(reverse(name)).status_code == 200


def test_an_administrator_adds_a_measure_with_targets(plan, client_for):
    theme = factories.theme(plan, "Community")
    response = client_for("admin").post(
        reverse("admin:plans_measure_add"),
        {
            "plan": plan.pk,
            "theme": theme.pk,
            "name": "Residents satisfied with their area",
            "unit": "percentage",
            "direction": "higher",
            "frequency": "quarterly",
            "tolerance": "5",
            "sort_order": 0,
            "targets-TOTAL_FORMS": 1,
            "targets-INITIAL_FORMS": 0,
            "targets-0-period": "2024-04-01",
            "targets-0-target": "75",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    measure = Measure.objects.get()
    assert [(t.period.isoformat(), t.target) for t in measure.targets.all()] == [("2024-04-01", 75)]


def test_a_measure_needs_a_priority_or_theme_of_its_own_plan(plan, client_for):
    response = client_for("admin").post(
        reverse("admin:plans_measure_add"),
        {
            "plan": plan.pk,
            "name": "Homeless",
            "unit": "number",
            "direction": "lower",
            "frequency": "monthly",
            "sort_order": 0,
            "targets-TOTAL_FORMS": 0,
            "targets-INITIAL_FORMS": 0,
        },
    )
    assert "Choose the priority or the theme the measure belongs to" in response.content.decode()
    assert not Measure.objects.exists()


def test_figures_cannot_be_changed_in_the_admin(plan, client_for):
    measure = factories.measure(plan, "Appraisals", values={"2024-01": "90"}, frequency="monthly")
    entry = MeasureValue.objects.get(measure=measure)
    client = client_for("admin")
    change = reverse("admin:plans_measurevalue_change", args=[entry.pk])
    client.post(change, {"value": "10"})
    assert MeasureValue.objects.get().value == 90
    assert Source.objects.count() == 0


def test_admin_edits_to_a_measure_mark_the_plans_pages_stale(plan, client_for):
    measure = factories.measure(plan, "Appraisals", frequency="monthly")
    before = type(plan).objects.get().data_version
    client_for("admin").post(
        reverse("admin:plans_measure_change", args=[measure.pk]),
        {
            "plan": plan.pk,
            "theme": measure.theme_id,
            "name": "Appraisals done on time",
            "unit": "percentage",
            "direction": "higher",
            "frequency": "monthly",
            "sort_order": 0,
            "targets-TOTAL_FORMS": 0,
            "targets-INITIAL_FORMS": 0,
        },
    )
    assert Measure.objects.get().name == "Appraisals done on time"
    assert type(plan).objects.get().data_version > before
