"""An action counts under its theme's priority and under each other priority it serves, on the
dashboard and in committee reports, as service plans cross-reference the council's priorities."""

import datetime

from plans.models import Priority
from plans.summary import dashboard
from reports import compose, periods
from tests import factories


def test_an_action_counts_under_every_priority_it_serves(plan):
    people = Priority.objects.create(plan=plan, name="People", sort_order=1)
    place = Priority.objects.create(plan=plan, name="Place", sort_order=2)
    community = factories.theme(plan, "Community")
    community.priority = people
    community.save()
    survey = factories.action(plan, "CM.1.1", theme_name="Community")
    parks = factories.action(plan, "CM.1.2", theme_name="Community")
    litter = factories.action(plan, "EN.1.1", theme_name="Environment")  # a theme with none
    survey.priorities.add(place, people)  # its theme's priority again counts once
    litter.priorities.add(place)
    factories.update(survey, "2024-03", "On track")
    factories.update(parks, "2024-03", "Significant issues / slippage")
    factories.update(litter, "2024-03", "Complete")

    data = dashboard(plan, datetime.date(2024, 3, 1))
    assert [(name, b.counted, b.by_status) for name, b in data.priorities] == [
        ("People", 2, {s.pk: 1 for s in (survey.updates.get().status, parks.updates.get().status)}),
        ("Place", 2, {s.pk: 1 for s in (survey.updates.get().status, litter.updates.get().status)}),
    ]
    assert data.overall.counted == 3  # each action once overall

    report = compose.present(
        compose.compose(plan=plan, period=periods.parse("quarterly", "2023-Q4"))
    )
    assert [(g.name, g.breakdown.counted) for g in report["priorities"]] == [
        ("People", 2),
        ("Place", 2),
    ]
    assert report["overall"].counted == 3
