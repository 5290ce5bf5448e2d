"""Committee reports' measures and recommendations sections: the snapshot keeps the figures,
targets and ratings it used, the PDF says "N measures tracked, X% meeting target" with the
counts, lists the measures off and near target with their commentary, and rolls up each
recommendation; a fixed number of queries whatever the plan holds."""

import copy
import io
import json
from decimal import Decimal

import pypdf
import pytest
from django.core.management import call_command

from plans.models import Action, MeasureValue, Priority, Recommendation, Source
from reports import compose, periods
from tests import factories

Q4 = periods.parse("quarterly", "2023-Q4")  # January to March 2024


@pytest.fixture
def kpis(quarter):
    """As at March 2024: sickness on target, appraisals near target, enquiries off target
    (its April figure is after the quarter), planning not rated (no target); and the peer
    challenge's recommendations 7 (answered by CM.1.1 and CM.1.4) and 12 (by none)."""
    resilient = Priority.objects.get(name="Listening to residents")
    factories.measure(
        quarter,
        "Sickness absence (days per FTE)",
        priority=resilient,
        unit="days",
        direction="lower",
        frequency="quarterly",
        targets={"2023-10": "2.0", "2024-01": "2.0"},
        values={"2023-10": "2.2", "2024-01": "1.9"},
    )
    factories.measure(
        quarter,
        "Appraisals completed on time",
        owner="Head of HR",
        frequency="quarterly",
        tolerance=Decimal("5"),
        targets={"2024-01": "90"},
        values={"2024-01": "87"},
    )
    enquiries = factories.measure(
        quarter,
        "Councillor enquiries answered in 10 days",
        theme_name="Housing",
        frequency="monthly",
        targets={"2024-03": "85", "2024-04": "85"},
        values={"2024-02": "80", "2024-03": "70", "2024-04": "95"},
    )
    MeasureValue.objects.filter(measure=enquiries, period="2024-03-01").update(
        commentary="Logging system down for two weeks in March."
    )
    factories.measure(
        quarter, "Planning decisions in time", theme_name="Housing", values={"2024-01": "75"}
    )
    source = Source.objects.create(plan=quarter, name="LGA corporate peer challenge 2023")
    seven = Recommendation.objects.create(
        source=source, number=7, area="Behaviour", text="Address poor behaviour.", sort_order=1
    )
    seven.actions.add(*Action.objects.filter(ref__in=["CM.1.1", "CM.1.4"]))
    Recommendation.objects.create(
        source=source, number=12, area="Support", text="Use the LGA.", sort_order=2
    )
    return quarter


def test_the_snapshot_keeps_the_figures_targets_and_ratings_it_used(kpis):
    snapshot = compose.compose(plan=kpis, period=Q4)
    assert snapshot["schema"] == 3  # 3 added the officers' words
    enquiries = next(m for m in snapshot["measures"]["measures"] if m["name"].startswith("Coun"))
    # April is after the period: the report stops at March.
    assert enquiries["points"] == [
        {"period": "2024-02-01", "target": None, "value": "80.0000", "commentary": "On course.",
         "rag": None},
        {"period": "2024-03-01", "target": "85.0000", "value": "70.0000",
         "commentary": "Logging system down for two weeks in March.", "rag": "red"},
    ]  # fmt: skip
    frozen = copy.deepcopy(snapshot)
    MeasureValue.objects.filter(period="2024-03-01").update(value=Decimal("99"))
    report = compose.present(frozen)
    assert report["measures"].sentence() == (
        "4 measures tracked, 33% meeting target (1 of the 3 with a figure and a target)."
    )
    assert json.loads(json.dumps(snapshot)) == snapshot


def test_a_snapshot_from_before_measures_has_no_such_sections(kpis):
    snapshot = compose.compose(plan=kpis, period=Q4)
    for key in ("measures", "recommendations"):
        del snapshot[key]
    report = compose.present(snapshot)
    assert (report["measures"], report["measure_charts"], report["recommendations"]) == (
        None,
        [],
        [],
    )


@pytest.fixture
def pdf_text(kpis, tmp_path):
    path = tmp_path / "q4.pdf"
    call_command(
        "build_report",
        plan="corporate-plan",
        kind="quarterly",
        period="2023-Q4",
        output=str(path),
        stdout=io.StringIO(),
    )
    reader = pypdf.PdfReader(path)
    return reader, " ".join("\n".join(page.extract_text() for page in reader.pages).split())


def section(text, start, end):
    """From the last `start` before the last `end` (the first of each is in the contents)."""
    return text[text.rindex(start) : text.rindex(end)]


def test_the_pdf_says_how_many_measures_meet_their_target(pdf_text):
    reader, text = pdf_text
    measures = section(text, "Measures 4 measures tracked", "Recommendations")
    assert measures.startswith(
        "Measures 4 measures tracked, 33% meeting target (1 of the 3 with a figure and a target)."
    )
    # The counts by priority or theme, and for all measures.
    assert "Listening to residents 1 1 0 0 0" in measures
    assert "Community 1 0 1 0 0" in measures
    assert "Housing 2 0 0 1 1" in measures
    assert "All measures 4 1 1 1 1" in measures
    # Off target first, then near target, each with its commentary and figures.
    assert measures.index("Councillor enquiries answered in 10 days: Off target") < measures.index(
        "Appraisals completed on time: Near target"
    )
    assert (
        "70% for March 2024 against a target of 85%. Commentary: Logging system down for two "
        "weeks in March." in measures
    )
    assert "87% for Q4 2023/24 against a target of 90% (Head of HR)." in measures
    assert "Sickness absence" not in measures.split("Measures off and near target")[1]
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[-4:] == [
        "Measures",
        "Recommendations",
        "Status definitions",
        "Appendix: all actions",
    ]


def test_the_pdf_rolls_up_each_recommendation(pdf_text):
    _, text = pdf_text
    recommendations = section(text, "Recommendations How the actions", "Status definitions")
    assert (
        "7 Behaviour: Address poor behaviour. CM.1.1 (Medium progress), CM.1.4 (Complete) "
        "2 actions: 1 Medium progress, 1 Complete." in recommendations
    )
    assert "12 Support: Use the LGA. None No actions answer it yet." in recommendations


def test_the_measures_charts_are_described(kpis):
    report = compose.present(compose.compose(plan=kpis, period=Q4))
    assert [line.measure.name for line, _ in report["measure_charts"]] == [
        "Councillor enquiries answered in 10 days",
        "Appraisals completed on time",
    ]
    assert all(
        chart.startswith("data:image/svg+xml;base64,") for _, chart in report["measure_charts"]
    )
    assert report["charts"]["measures"].startswith("data:image/svg+xml;base64,")


def grow(plan, count):
    source = Source.objects.get(plan=plan)
    for number in range(count):
        factories.measure(
            plan,
            f"Measure {number}",
            frequency="monthly",
            targets={f"2023-{m:02d}": "50" for m in range(4, 13)},
            values={f"2023-{m:02d}": str(40 + m) for m in range(4, 13)},
        )
        action = factories.action(plan, f"X.{number}.1")
        factories.update(action, "2024-01", "Complete")
        Recommendation.objects.create(source=source, number=100 + number, text="Do.").actions.add(
            action
        )


@pytest.mark.parametrize("count", [0, 10])
def test_composing_runs_the_same_queries_whatever_the_measures_and_sources(
    kpis, django_assert_num_queries, count
):
    grow(kpis, count)
    with django_assert_num_queries(13):
        compose.compose(plan=kpis, period=Q4)
