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

import pytest

from plans.models import Committee, Evidence, Priority, Update
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
