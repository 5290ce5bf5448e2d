"""The measure pages: the list with each measure's latest figure, target, rating and trend; a
measure's page with its series as a chart and a table and the commentary history; their
charts; and a fixed number of queries whatever the number of measures and periods."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from plans.measures import rating
from plans.models import Priority, Round
from tests import factories


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def scorecard(plan, people):
    """Three measures: sickness on target, appraisals near target, enquiries off target."""
    people_priority = Priority.objects.create(plan=plan, name="A resilient council")
    factories.measure(
        plan,
        "Sickness absence (days per FTE)",
        priority=people_priority,
        owner="Head of HR",
        unit="days",
        direction="lower",
        frequency="quarterly",
        targets={"2023-07": "2.0", "2023-10": "2.0"},
        values={"2023-07": "2.2", "2023-10": "1.9"},
    )
    factories.measure(
        plan,
        "Appraisals completed on time",
        owner="Head of HR",
        frequency="quarterly",
        tolerance=Decimal("5"),
        targets={"2023-10": "90", "2024-01": "90"},
        values={"2023-10": "87"},
    )
    factories.measure(
        plan,
        "Councillor enquiries answered in 10 days",
        owner="Head of Finance",
        frequency="monthly",
        targets={"2023-12": "85", "2024-01": "85"},
        values={"2023-12": "86", "2024-01": "70"},
    )
    return plan


def test_the_list_shows_each_measures_latest_figure_target_and_rating(scorecard, client_for):
    page = text(client_for("councillor").get(reverse("plans:measures", args=[scorecard.slug])))
    assert "3 measures tracked, 33% meeting target (1 of the 3 with a figure and a target)." in page
    assert "Measure Owner Latest figure Target Rating Trend" in page
    assert (
        "Sickness absence (days per FTE) Quarterly, lower is better Head of HR "
        "1.9 days Q3 2023/24 2 days On target" in page
    )
    # Measures under a priority come first, then those under themes.
    assert page.index("A resilient council") < page.index("Community")
    assert "Appraisals completed on time Quarterly, higher is better Head of HR 87% " in page
    assert "Q3 2023/24 90% Near target" in page
    assert "70% January 2024 85% Off target" in page


def test_the_trend_is_described_for_those_who_cannot_see_it(scorecard, client_for):
    html = client_for("councillor").get(reverse("plans:measures", args=[scorecard.slug]))
    assert 'alt="Q2 2023/24: 2.2 days (target 2 days); Q3 2023/24: 1.9 days (target 2 days)"' in (
        html.content.decode()
    )


def test_in_a_round_owners_see_what_they_owe(scorecard, client_for):
    Round.objects.create(
        plan=scorecard, month=datetime.date(2024, 2, 1), due=datetime.date(2024, 3, 8)
    )
    page = text(client_for("lead").get(reverse("plans:measures", args=[scorecard.slug])))
    # February's round asks quarterly measures for October to December, already in.
    assert "The February 2024 round asks you for" not in page
    assert "Received Q3 2023/24" in page
    page = text(client_for("other_lead").get(reverse("plans:measures", args=[scorecard.slug])))
    assert "The February 2024 round asks you for 1 figure " in page
    assert "Councillor enquiries answered in 10 days: February 2024" in page
    assert "Missing February 2024 Enter the Councillor enquiries answered in 10 days figure" in page


def test_a_measure_page_has_its_series_with_targets_and_the_commentary_history(
    scorecard, client_for
):
    sickness = scorecard.measures.get(name__startswith="Sickness")
    page = text(
        client_for("councillor").get(reverse("plans:measure", args=[scorecard.slug, sickness.pk]))
    )
    assert "Latest figure: 1.9 days for Q3 2023/24, against a target of 2 days. On target" in page
    assert "Direction Lower is better" in page
    assert "Near target (amber) No tolerance: any figure short of the target is off target" in page
    assert (
        "Period Target Figure Rating Commentary Entered "
        "Q3 2023/24 2 days 1.9 days On target On course. Imported" in page
    )
    assert "Q2 2023/24 2 days 2.2 days Off target On course. Imported" in page
    assert "Quarter 3 2023/24 (October to December 2023) 1.9 days : On course. Imported" in page


def test_the_series_chart_draws_figures_and_targets(scorecard, client_for):
    sickness = scorecard.measures.get(name__startswith="Sickness")
    client = client_for("councillor")
    for chart in ("trend", "series"):
        response = client.get(
            reverse("plans:measure_chart", args=[scorecard.slug, sickness.pk, chart])
        )
        assert response["Content-Type"] == "image/svg+xml"
        assert "<script" not in response.content.decode()
    svg = response.content.decode()  # the full series: title, legend, a label per quarter
    assert "Sickness absence (days per FTE): figures and targets" in svg
    assert ">Target<" in svg and ">Figure<" in svg and ">Q2 23/24<" in svg
    missing = reverse("plans:measure_chart", args=[scorecard.slug, sickness.pk, "pie"])
    assert client.get(missing).status_code == 404


def build(plan, count, periods):
    """`count` quarterly measures, each with `periods` quarters of targets and figures."""
    theme = factories.theme(plan, "Community")
    first = datetime.date(2020, 4, 1)
    quarters = [rating.next_period(first, "quarterly", n) for n in range(periods)]
    for number in range(count):
        factories.measure(
            plan,
            f"Measure {number}",
            owner="Head of HR",
            theme_name=theme.name,
            frequency="quarterly",
            targets={f"{q:%Y-%m}": "50" for q in quarters},
            values={f"{q:%Y-%m}": str(40 + n) for n, q in enumerate(quarters)},
        )
    Round.objects.get_or_create(
        plan=plan, month=datetime.date(2024, 2, 1), defaults={"due": datetime.date(2024, 3, 8)}
    )
    return plan.measures.order_by("pk").first()


# Each count includes the three queries every signed-in page makes (session, user, roles).
@pytest.mark.parametrize(("count", "periods"), [(2, 3), (12, 16)])
@pytest.mark.parametrize(
    ("page", "role", "queries"),
    [
        ("list", "councillor", 7),
        ("list", "lead", 9),
        # The detail page's committees are one query, however many.
        ("detail", "councillor", 8),
        ("detail", "lead", 11),
        ("chart", "councillor", 6),
    ],
)
def test_measure_pages_run_a_fixed_number_of_queries(
    plan, client_for, django_assert_num_queries, count, periods, page, role, queries
):
    first = build(plan, count, periods)
    address = {
        "list": reverse("plans:measures", args=[plan.slug]),
        "detail": reverse("plans:measure", args=[plan.slug, first.pk]),
        "chart": reverse("plans:measure_chart", args=[plan.slug, first.pk, "series"]),
    }[page]
    client = client_for(role)
    with django_assert_num_queries(queries):
        response = client.get(address)
    assert response.status_code == 200
