"""A small plan whose quarter 4 2023/24 (January to March 2024) has one of everything a
committee report talks about. Its statuses as at March 2024, against December 2023:

    CM.1.0  parent of CM.1.1-1.5           left out of the figures
    CM.1.1  On track -> Medium progress     slipped, amber
    CM.1.2  Medium progress -> Significant  slipped, red
    CM.1.3  Significant -> On track         improved (a March update awaiting sign-off is ignored)
    CM.1.4  On track -> Complete            newly complete
    CM.1.5  On track -> Closed              newly complete, with evidence
    HS.1.1  (none) -> On track              new
    HS.1.2  Not due to start                unchanged, not counted
    HS.1.3  On hold                         unchanged
    HS.1.4  no update at all
    HS.1.5  Complete since November 2023    unchanged
    HS.1.6  first update in April 2024      no update as at March

Counted: 8, of which 5 green or done, 1 amber, 1 red, 1 grey (On hold).
"""

from decimal import Decimal

import pytest

from plans.models import (
    Action,
    Committee,
    Evidence,
    Measure,
    MeasureValue,
    Priority,
    Recommendation,
    Source,
    Update,
)
from tests import factories

HISTORY = {
    "CM.1.1": [("2023-12", "On track"), ("2024-03", "Medium progress")],
    "CM.1.2": [("2023-12", "Medium progress"), ("2024-02", "Significant issues / slippage")],
    "CM.1.3": [("2023-12", "Significant issues / slippage"), ("2024-02", "On track")],
    "CM.1.4": [("2023-12", "On track"), ("2024-01", "Complete")],
    "CM.1.5": [("2023-12", "On track"), ("2024-03", "Closed")],
    "HS.1.1": [("2024-02", "On track")],
    "HS.1.2": [("2023-12", "Not due to start")],
    "HS.1.3": [("2023-12", "On hold")],
    "HS.1.4": [],
    "HS.1.5": [("2023-11", "Complete")],
    "HS.1.6": [("2024-04", "Significant issues / slippage")],
}
NARRATIVES = {
    "CM.1.1": "Procurement slipped by six weeks; new supplier starts in May.",
    "CM.1.2": "Funding bid refused; options paper to Cabinet in April.",
}


@pytest.fixture
def quarter(plan):
    """The plan above, with Community under the priority "Listening to residents" and the
    Audit Committee following CM.1.1 and HS.1.1."""
    priority = Priority.objects.create(plan=plan, name="Listening to residents", sort_order=1)
    community = factories.theme(plan, "Community", sort_order=1)
    community.priority = priority
    community.save()
    factories.theme(plan, "Housing", sort_order=2)
    parent = factories.action(plan, "CM.1.0", title="Listen better", sort_order=0)
    actions = {}
    for position, (ref, history) in enumerate(HISTORY.items(), start=1):
        theme = "Community" if ref.startswith("CM") else "Housing"
        actions[ref] = factories.action(
            plan,
            ref,
            theme_name=theme,
            parent=parent if theme == "Community" else None,
            lead="Head of HR" if ref == "CM.1.1" else "Head of Housing",
            due_text="Jun-24",
            sort_order=position,
        )
        for month, label in history:
            narrative = NARRATIVES.get(ref, f"{ref} progress in {month}.")
            factories.update(actions[ref], month, label, narrative=narrative)
    factories.update(
        actions["CM.1.3"],
        "2024-03",
        "Significant issues / slippage",
        narrative="Awaiting sign-off.",
        approval=Update.Approval.SUBMITTED,
    )
    update = Update.objects.get(action=actions["CM.1.5"], month="2024-03-01")
    Evidence.objects.create(
        update=update, link="https://example.org/minutes", description="Committee minutes"
    )
    audit = Committee.objects.create(name="Audit Committee", slug="audit")
    audit.actions.add(actions["CM.1.1"], actions["HS.1.1"])
    return plan


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores its PDFs in a folder of its own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


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


@pytest.fixture
def audit(kpis):
    """The Audit Committee (following CM.1.1 and HS.1.1) is given the appraisals measure.
    Recommendation 7 is answered by its CM.1.1; a new 3 through the focus action CM.1.0,
    whose sub-actions include CM.1.1; a new 4 by HS.1.2 alone, which is not the
    committee's; 12 by none."""
    committee = Committee.objects.get(slug="audit")
    Measure.objects.get(name="Appraisals completed on time").committees.add(committee)
    source = Source.objects.get(plan=kpis)
    three = Recommendation.objects.create(source=source, number=3, text="Listen.", sort_order=3)
    three.actions.add(Action.objects.get(ref="CM.1.0"))
    four = Recommendation.objects.create(source=source, number=4, text="House.", sort_order=4)
    four.actions.add(Action.objects.get(ref="HS.1.2"))
    return committee
