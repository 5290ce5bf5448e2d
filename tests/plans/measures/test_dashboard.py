"""The dashboard's measures and recommendations sections: how many measures meet their target
as at the month, the ones off and near target with their commentary, and how the actions
answering each recommendation stand; a fixed number of queries whatever the plan holds."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from plans.models import Priority, Recommendation, Source
from tests import factories


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def plan_with_measures(plan):
    """January 2024: sickness on target, appraisals near target, enquiries off target (its
    February figure is later than the month shown), and a quarter not yet over ignored."""
    resilient = Priority.objects.create(plan=plan, name="A resilient council")
    action = factories.action(plan, "CM.1.1", title="Reset officer and Member working")
    factories.update(action, "2024-01", "On track")
    factories.measure(
        plan,
        "Sickness absence (days per FTE)",
        priority=resilient,
        unit="days",
        direction="lower",
        frequency="quarterly",
        targets={"2023-10": "2.0", "2024-01": "2.0"},
        values={"2023-10": "1.9", "2024-01": "3.5"},  # January to March is not over yet
    )
    factories.measure(
        plan,
        "Appraisals completed on time",
        frequency="quarterly",
        tolerance=Decimal("5"),
        targets={"2023-10": "90"},
        values={"2023-10": "87"},
    )
    enquiries = factories.measure(
        plan,
        "Councillor enquiries answered in 10 days",
        owner="Head of Finance",
        frequency="monthly",
        targets={"2024-01": "85", "2024-02": "85"},
        values={"2024-01": "70", "2024-02": "90"},
    )
    enquiries.values.filter(period="2024-01-01").update(commentary="Logging system down.")
    source = Source.objects.create(plan=plan, name="LGA corporate peer challenge 2023")
    Recommendation.objects.create(source=source, number=3, area="Relations", text="Reset.")
    source.recommendations.get().actions.add(action)
    Recommendation.objects.create(source=source, number=12, area="Support", text="Use the LGA.")
    return plan


def dashboard(client, plan, month="2024-01-01"):
    return client.get(reverse("plans:dashboard", args=[plan.slug]) + f"?month={month}")


def test_the_measures_section_counts_those_meeting_target_as_at_the_month(
    plan_with_measures, client_for
):
    page = text(dashboard(client_for("councillor"), plan_with_measures))
    assert "Measures 3 measures tracked, 33% meeting target (1 of the 3 with a figure" in page
    assert "Rating Measures On target 1 Near target (amber) 1 Off target (red) 1" in page
    assert "A resilient council 1 1 0 0 0 Community 2 0 1 1 0" in page
    assert (
        "Councillor enquiries answered in 10 days Head of Finance January 2024 70% 85% "
        "Off target Logging system down." in page
    )
    assert page.index("Councillor enquiries") < page.index("Appraisals completed on time")


def test_the_recommendations_section_rolls_up_each_recommendation(plan_with_measures, client_for):
    page = text(dashboard(client_for("councillor"), plan_with_measures))
    assert (
        "Recommendations How the actions answering each source’s recommendations stand in "
        "January 2024." in page
    )
    assert "3 Relations 1 action: 1 On track. 12 Support No actions answer it yet." in page


def test_without_sources_there_is_no_recommendations_section(plan, client_for):
    factories.update(factories.action(plan, "CM.1.1"), "2024-01", "On track")
    page = text(dashboard(client_for("councillor"), plan))
    assert "Measures No measures are tracked." in page
    assert "Recommendations" not in page


def test_the_ratings_chart_draws_the_counts(plan_with_measures, client_for):
    response = client_for("councillor").get(
        reverse("plans:measures_chart", args=[plan_with_measures.slug]) + "?month=2024-01-01"
    )
    svg = response.content.decode()
    assert response["Content-Type"] == "image/svg+xml" and "<script" not in svg
    assert "Measures against target, January 2024" in svg
    assert ">On target<" in svg and ">Off target (red)<" in svg


@pytest.mark.parametrize("count", [0, 12])
def test_the_dashboard_runs_the_same_queries_whatever_the_plan_holds(
    plan_with_measures, client_for, django_assert_num_queries, count
):
    factories.measures_and_recommendations(plan_with_measures, count)
    client = client_for("councillor")
    with django_assert_num_queries(17):
        response = dashboard(client, plan_with_measures)
    assert response.status_code == 200
    assert datetime.date(2024, 1, 1) == response.context["month"]
