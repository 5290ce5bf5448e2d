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
from django.template.loader import render_to_string

from plans.models import Action, Committee, Measure, MeasureValue
from reports import compose, periods
from tests import factories

Q4 = periods.parse("quarterly", "2023-Q4")  # January to March 2024


def test_the_snapshot_keeps_the_figures_targets_and_ratings_it_used(kpis):
    snapshot = compose.compose(plan=kpis, period=Q4)
    assert snapshot["schema"] == 4  # 3 added a committee's scope, 4 the officers' words
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


def test_a_committee_report_has_its_measures_and_the_recommendations_its_actions_answer(audit):
    snapshot = compose.compose(plan=audit.actions.first().plan, period=Q4, committee=audit)
    assert [m["name"] for m in snapshot["measures"]["measures"]] == ["Appraisals completed on time"]
    [source] = snapshot["recommendations"]
    assert [(r["number"], r["progress"]) for r in source["recommendations"]] == [
        # All of 7's actions, CM.1.4 included though it is not the committee's.
        (7, "2 actions: 1 Medium progress, 1 Complete."),
        (3, "5 actions: 1 On track, 1 Medium progress, 1 Significant issues / slippage, "
            "1 Complete, 1 Closed."),
    ]  # fmt: skip
    assert snapshot["scope"] == {"measures_left_out": 3, "recommendations_left_out": 2}
    report = compose.present(snapshot)
    assert report["scope"]["summary"] == (
        "This report is for the Audit Committee. It covers the actions the committee follows, "
        "the 1 measure assigned to it and the 2 recommendations its actions answer, and leaves "
        "out the plan’s other 3 measures and 2 recommendations."
    )
    assert report["measures"].sentence() == (
        "1 measure tracked, 0% meeting target (0 of the 1 with a figure and a target)."
    )
    # The whole plan's report has them all and says nothing of a scope.
    whole = compose.compose(plan=audit.actions.first().plan, period=Q4)
    assert len(whole["measures"]["measures"]) == 4
    assert len(whole["recommendations"][0]["recommendations"]) == 4
    assert whole["scope"] is None


def test_a_committee_with_no_measures_or_recommendations_says_so(kpis):
    committee = Committee.objects.create(name="Licensing Committee", slug="licensing")
    committee.actions.add(Action.objects.get(ref="HS.1.3"))
    report = compose.present(compose.compose(plan=kpis, period=Q4, committee=committee))
    assert report["measures"].tracked == 0 and report["recommendations"] == []
    assert report["scope"]["measures"] == (
        "No measures are assigned to the Licensing Committee; the plan’s other 4 measures are "
        "left out."
    )
    assert report["scope"]["summary"].endswith(
        "the 0 measures assigned to it and the 0 recommendations its actions answer, and leaves "
        "out the plan’s other 4 measures and 2 recommendations."
    )


def test_a_committee_snapshot_from_before_scopes_still_says_it_has_the_whole_plan(audit):
    snapshot = compose.compose(plan=audit.actions.first().plan, period=Q4, committee=audit)
    del snapshot["scope"]  # as stored by schema 2
    html = render_to_string("reports/print.html", {"report": compose.present(snapshot)})
    assert "These are all the plan’s measures, whichever committee" in html
    assert "This report is for the Audit Committee" not in html


def test_the_committee_pdf_leaves_out_the_other_measures_and_recommendations(audit, tmp_path):
    path = tmp_path / "audit.pdf"
    call_command(
        "build_report",
        plan="corporate-plan",
        kind="six-monthly",
        period="2023-H2",
        committee="audit",
        output=str(path),
        stdout=io.StringIO(),
    )
    reader = pypdf.PdfReader(path)
    text = " ".join("\n".join(page.extract_text() for page in reader.pages).split())
    summary = section(text, "Summary", "Movement since")
    assert "It covers the actions the committee follows, the 1 measure assigned to it" in summary
    measures = section(text, "Measures 1 measure tracked", "Recommendations")
    assert "These are the measures assigned to the Audit Committee; the plan’s other 3" in measures
    assert "Appraisals completed on time" in measures
    for other in ("Sickness absence", "Councillor enquiries", "Planning decisions"):
        assert other not in measures
    recommendations = section(text, "Recommendations How the actions", "Status definitions")
    assert "7 Behaviour: Address poor behaviour." in recommendations
    assert "3 Listen." in recommendations
    assert "Use the LGA" not in recommendations and "House." not in recommendations


@pytest.mark.parametrize("count", [0, 10])
def test_composing_runs_the_same_queries_whatever_the_measures_and_sources(
    kpis, django_assert_num_queries, count
):
    factories.measures_and_recommendations(kpis, count, months=range(4, 13))
    with django_assert_num_queries(13):
        compose.compose(plan=kpis, period=Q4)
    audit = Committee.objects.get(slug="audit")
    audit.measures.add(*Measure.objects.all())
    audit.actions.add(Action.objects.get(ref="CM.1.5"))  # closed: its evidence is read
    with django_assert_num_queries(13):
        compose.compose(plan=kpis, period=Q4, committee=audit)
