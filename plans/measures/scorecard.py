"""Reading measures: each one's series of targets and values, and the scorecard the dashboard
and committee reports show ("6 measures tracked, 80% meeting target").

The scorecard is built from a JSON-ready snapshot (`snapshot`, which queries) by `present`
(which does not), so the dashboard and a report frozen years ago go through the same code and a
report shows exactly the figures, targets and ratings it stored.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from plans.measures import rating
from plans.models import Measure, MeasureTarget, MeasureValue, Rag
from plans.summary import percent, plural

TREND_POINTS = 8  # periods in a small trend chart and in a report's series
RAGS = [Rag.GREEN, Rag.AMBER, Rag.RED]


@dataclass
class Point:
    """One period of a measure: its target, its value and commentary, and their rating."""

    period: datetime.date
    target: Decimal | None
    value: Decimal | None
    commentary: str = ""
    rag: str | None = None
    entry: MeasureValue | None = None  # the saved value, when read from the database


@dataclass
class Line:
    """A measure with its series, oldest first."""

    measure: Measure
    group: str  # the priority it belongs to, or else its theme
    owner: str  # the owner post's name, or ""
    points: list = field(default_factory=list)

    @property
    def latest(self):
        """The latest period with a value, or None."""
        return next((p for p in reversed(self.points) if p.value is not None), None)

    @property
    def rag(self):
        return self.latest.rag if self.latest else None

    def trend(self, count=TREND_POINTS):
        return self.points[-count:]

    def describe(self, count=TREND_POINTS):
        """The trend in words, for a chart's alternative text: "Q1 2023/24: 82% (target 85%);
        Q2 2023/24: no figure (target 85%)"."""
        measure = self.measure
        parts = []
        for point in self.trend(count):
            figure = measure.format(point.value) if point.value is not None else "no figure"
            target = f" (target {measure.format(point.target)})" if point.target is not None else ""
            parts.append(f"{measure.period_label(point.period)}: {figure}{target}")
        return "; ".join(parts) or "No figures or targets yet"


def group_of(measure):
    return measure.priority.name if measure.priority_id else measure.theme.name


def _order(measure):
    """Measures under priorities first, in the plan's order, then those under themes."""
    if measure.priority_id:
        group = (0, measure.priority.sort_order, measure.priority.name)
    else:
        group = (1, measure.theme.sort_order, measure.theme.name)
    return (*group, measure.sort_order, measure.name)


def series(measure, targets, values, as_at=None):
    """[Point] for every period with a target or a value, oldest first; with `as_at` (a month)
    only periods complete by then. `targets` is {period: target}, `values` {period:
    MeasureValue}."""
    periods = sorted({*targets, *values})
    if as_at is not None:
        periods = [p for p in periods if rating.period_end(p, measure.frequency) <= as_at]
    points = []
    for period in periods:
        entry = values.get(period)
        value = entry.value if entry else None
        target = targets.get(period)
        points.append(
            Point(
                period=period,
                target=target,
                value=value,
                commentary=entry.commentary if entry else "",
                rag=measure.rate(value, target),
                entry=entry,
            )
        )
    return points


def lines(queryset, as_at=None):
    """[Line] for the measures in `queryset`, grouped and ordered as pages show them. Three
    queries whatever the number of measures and periods."""
    found = list(queryset.select_related("priority", "theme", "owner"))
    # Explicit queries rather than prefetches, which skip theirs when there are no measures:
    # the count stays the same whatever the plan holds.
    targets, values = defaultdict(dict), defaultdict(dict)
    for target in MeasureTarget.objects.filter(measure__in=queryset).order_by():
        targets[target.measure_id][target.period] = target.target
    for value in MeasureValue.objects.filter(measure__in=queryset).select_related("author"):
        values[value.measure_id][value.period] = value
    made = []
    for measure in sorted(found, key=_order):
        owner = measure.owner.name if measure.owner_id else ""
        points = series(measure, targets[measure.pk], values[measure.pk], as_at)
        made.append(Line(measure, group_of(measure), owner, points))
    return made


def grouped(found):
    """[(group, [Line])] in order, for `found` lines as lines() orders them."""
    groups = []
    for line in found:
        if not groups or groups[-1][0] != line.group:
            groups.append((line.group, []))
        groups[-1][1].append(line)
    return groups


# The scorecard: snapshot (queries) and present (none).


def _number(value):
    return None if value is None else str(value)


def snapshot(plan, as_at, window=TREND_POINTS, *, committee=None):
    """The plan's measures as at `as_at` (a month), JSON-ready: for each measure its details
    and its last `window` complete periods, each with target, value, commentary and rating.
    With `committee`, only the measures assigned to it (Measure.committees), and `left_out`
    counts the plan's others. Three queries."""
    measures = Measure.objects.filter(plan=plan)
    if committee is not None:
        measures = measures.with_assigned(committee)
    found = lines(measures, as_at)
    kept = [line for line in found if committee is None or line.measure.assigned]
    return {
        "as_at": as_at.isoformat(),
        "measures": [
            {
                "id": line.measure.pk,
                "name": line.measure.name,
                "group": line.group,
                "owner": line.owner,
                "unit": line.measure.unit,
                "direction": line.measure.direction,
                "frequency": line.measure.frequency,
                "tolerance": _number(line.measure.tolerance),
                "points": [
                    {
                        "period": point.period.isoformat(),
                        "target": _number(point.target),
                        "value": _number(point.value),
                        "commentary": point.commentary,
                        "rag": point.rag,
                    }
                    for point in line.trend(window)
                ],
            }
            for line in kept
        ],
        "left_out": len(found) - len(kept),
    }


def _decimal(text):
    return None if text is None else Decimal(text)


@dataclass
class Scorecard:
    """The measures' position as at a month: each measure's latest figure and its rating."""

    as_at: datetime.date
    lines: list

    @property
    def tracked(self):
        return len(self.lines)

    def count(self, rag):
        return sum(1 for line in self.lines if line.rag == rag)

    @property
    def rated(self):
        return sum(self.count(rag) for rag in RAGS)

    @property
    def meeting(self):
        return self.count(Rag.GREEN)

    @property
    def percent_meeting(self):
        return percent(self.meeting, self.rated)

    def sentence(self):
        """ "6 measures tracked, 80% meeting target (4 of the 5 with a figure and a target)." """
        if not self.tracked:
            return "No measures are tracked."
        text = plural(self.tracked, "measure") + " tracked"
        if not self.rated:
            return text + "; none has both a figure and a target yet."
        return (
            f"{text}, {self.percent_meeting}% meeting target ({self.meeting} of the "
            f"{self.rated} with a figure and a target)."
        )

    def rows(self):
        """(rag or None, label, count) for the chart and its table."""
        return [
            (Rag.GREEN.value, "On target", self.count(Rag.GREEN)),
            (Rag.AMBER.value, "Near target (amber)", self.count(Rag.AMBER)),
            (Rag.RED.value, "Off target (red)", self.count(Rag.RED)),
            (None, "No figure or no target", self.tracked - self.rated),
        ]

    def by_group(self):
        """[(group, tracked, green, amber, red, not rated)] for each priority or theme."""
        table = []
        for group, found in grouped(self.lines):
            counts = [sum(1 for line in found if line.rag == rag) for rag in RAGS]
            table.append((group, len(found), *counts, len(found) - sum(counts)))
        return table

    def attention(self):
        """The red measures, then the amber ones, each in plan order."""
        return [line for rag in (Rag.RED, Rag.AMBER) for line in self.lines if line.rag == rag]


def present(data):
    """The Scorecard of a snapshot, without queries."""
    made = []
    for item in data["measures"]:
        measure = Measure(
            pk=item["id"],
            name=item["name"],
            unit=item["unit"],
            direction=item["direction"],
            frequency=item["frequency"],
            tolerance=_decimal(item["tolerance"]),
        )
        points = [
            Point(
                period=datetime.date.fromisoformat(p["period"]),
                target=_decimal(p["target"]),
                value=_decimal(p["value"]),
                commentary=p["commentary"],
                rag=p["rag"],
            )
            for p in item["points"]
        ]
        made.append(Line(measure, item["group"], item["owner"], points))
    return Scorecard(datetime.date.fromisoformat(data["as_at"]), made)
