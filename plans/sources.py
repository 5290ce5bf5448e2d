"""Where actions come from: each recommendation of a source with the actions that answer it
and a roll-up of their statuses, so a clerk can answer "what have we done about
recommendation 7?" from one page, its export, or the committee report.

Statuses follow the tracker's rules: each action's latest published update (as at a month,
when given); focus (parent) actions carry no status of their own and are left out of roll-ups
unless the plan counts them.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Subquery

from plans.models import Action, Rag, Recommendation, Status, Update
from plans.summary import plural

EXPORT_HEADER = [
    "Source",
    "Area",
    "Recommendation",
    "Recommendation text",
    "Ref",
    "Action",
    "Lead officer",
    "Status",
    "RAG",
    "Status month",
    "Latest update",
]


@dataclass
class Answer:
    """A recommendation and the actions that answer it, each with `status` (a Status or
    None), `month` and `narrative` of its latest update, and `has_children`."""

    recommendation: Recommendation
    actions: list = field(default_factory=list)
    counted: bool = True  # whether focus actions count in the roll-up

    def rolled_up(self):
        return [a for a in self.actions if self.counted or not a.has_children]

    def rollup(self, statuses):
        """[(status, count)] in the plan's order, and how many have no update yet."""
        counts = Counter(a.status.pk for a in self.rolled_up() if a.status is not None)
        return (
            [(s, counts[s.pk]) for s in statuses if counts[s.pk]],
            sum(1 for a in self.rolled_up() if a.status is None),
        )

    def rag_counts(self):
        """{rag: count} of the rolled-up actions' statuses; "none" for no update yet."""
        return Counter(a.status.rag if a.status else "none" for a in self.rolled_up())

    def words(self, statuses):
        """ "3 actions: 1 Complete, 2 On track." or "No actions answer it yet." """
        if not self.actions:
            return "No actions answer it yet."
        found, missing = self.rollup(statuses)
        parts = [f"{count} {status.label}" for status, count in found]
        if missing:
            parts.append(f"{missing} with no update yet")
        left_out = len(self.actions) - len(self.rolled_up())
        text = plural(len(self.actions), "action")
        if parts:
            text += ": " + ", ".join(parts)
        if left_out:
            text += f" ({plural(left_out, 'focus action')} shown by its sub-actions)"
        return text + "."

    @property
    def done(self):
        """Is every rolled-up action done (complete or closed)?"""
        found = self.rolled_up()
        return bool(found) and all(a.status and a.status.counts_as_done for a in found)


def answers(source, *, as_at=None):
    """([(area, [Answer])], statuses): `source`'s recommendations in the source's order, each
    with its actions in plan order and their latest published status as at `as_at`; and the
    plan's statuses in order. Three queries; `source` must come with its plan."""
    statuses = {s.pk: s for s in Status.objects.filter(plan=source.plan_id)}
    latest = Update.objects.published().filter(action=OuterRef("pk"))
    if as_at is not None:
        latest = latest.filter(month__lte=as_at)
    latest = latest.order_by("-month")
    actions = (
        Action.objects.select_related("lead_officer")
        .annotate(
            status_id=Subquery(latest.values("status_id")[:1]),
            month=Subquery(latest.values("month")[:1]),
            narrative=Subquery(latest.values("narrative")[:1]),
            has_children=Exists(Action.objects.filter(parent=OuterRef("pk"))),
        )
        .order_by("theme__sort_order", "theme_id", "sort_order", "ref")
    )
    recommendations = source.recommendations.prefetch_related(
        Prefetch("actions", queryset=actions)
    ).order_by("sort_order", "number")
    counted = source.plan.count_parent_actions
    grouped = []
    for recommendation in recommendations:
        found = list(recommendation.actions.all())
        for action in found:
            action.status = statuses.get(action.status_id)
        if not grouped or grouped[-1][0] != recommendation.area:
            grouped.append((recommendation.area, []))
        grouped[-1][1].append(Answer(recommendation, found, counted))
    return grouped, list(statuses.values())


def export_rows(source, grouped):
    """Rows under EXPORT_HEADER: one per recommendation and action, and one for each
    recommendation no action answers yet."""
    rows = []
    for area, found in grouped:
        for answer in found:
            start = [source.name, area, answer.recommendation.number, answer.recommendation.text]
            if not answer.actions:
                rows.append([*start, "", "No actions answer it yet", "", "", "", "", ""])
            for action in answer.actions:
                status = action.status
                rows.append(
                    [
                        *start,
                        action.ref,
                        action.title,
                        action.lead_officer.name if action.lead_officer_id else "",
                        status.label if status else "No update",
                        Rag(status.rag).label if status else "",
                        f"{action.month:%B %Y}" if action.month else "",
                        action.narrative or "",
                    ]
                )
    return rows
