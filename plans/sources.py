"""Where actions come from: each recommendation of a source with the actions that answer it
and a roll-up of their statuses, so a clerk can answer "what have we done about
recommendation 7?" from one page, its export, or the committee report.

Statuses follow the tracker's rules: each action's latest published update (as at a month,
when given); focus (parent) actions carry no status of their own and are left out of roll-ups
unless the plan counts them.
"""

from collections import Counter, defaultdict
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
    "Part of",
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
    None), `month` and `narrative` of its latest update, `has_children`, and `part_of` (the
    ref of the focus action it answers through, or None)."""

    recommendation: Recommendation
    actions: list = field(default_factory=list)  # linked, with each focus action's sub-actions
    counted: bool = True  # whether focus actions count in the roll-up

    def rolled_up(self):
        return [a for a in self.actions if self.counted or not a.has_children]

    def words(self, statuses):
        """ "3 actions: 1 Complete, 2 On track." or "No actions answer it yet." """
        if not self.actions:
            return "No actions answer it yet."
        found = self.rolled_up()
        counts = Counter(a.status.pk for a in found if a.status is not None)
        parts = [f"{counts[s.pk]} {s.label}" for s in statuses if counts[s.pk]]
        if missing := sum(1 for a in found if a.status is None):
            parts.append(f"{missing} with no update yet")
        text = plural(len(found), "action")
        return text + (": " + ", ".join(parts) if parts else "") + "."

    @property
    def done(self):
        """Is every rolled-up action done (complete or closed)?"""
        found = self.rolled_up()
        return bool(found) and all(a.status and a.status.counts_as_done for a in found)


def answers(source, *, as_at=None):
    """([(area, [Answer])], statuses): `source`'s recommendations in the source's order, each
    with its actions in plan order (a focus action followed by its sub-actions) and their latest
    published status as at `as_at`; and the plan's statuses in order. Four queries at most;
    `source` must come with its plan."""
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
    recommendations = list(recommendations)
    # A focus action answers a recommendation through its sub-actions.
    parents = {a.pk for r in recommendations for a in r.actions.all() if a.has_children}
    children = defaultdict(list)
    for child in actions.filter(parent__in=parents):
        children[child.parent_id].append(child)
    grouped = []
    for recommendation in recommendations:
        linked = list(recommendation.actions.all())
        ids = {a.pk for a in linked}
        found = []
        for action in linked:
            if action.parent_id not in ids:  # else it comes under its focus action
                found += [action, *children.get(action.pk, [])]
        for action in found:
            action.status = statuses.get(action.status_id)
            action.part_of = next((a.ref for a in linked if a.pk == action.parent_id), None)
        if not grouped or grouped[-1][0] != recommendation.area:
            grouped.append((recommendation.area, []))
        grouped[-1][1].append(Answer(recommendation, found, source.plan.count_parent_actions))
    return grouped, list(statuses.values())


def export_rows(source, grouped):
    """Rows under EXPORT_HEADER: one per recommendation and action, and one for each
    recommendation no action answers yet."""
    rows = []
    for area, found in grouped:
        for answer in found:
            start = [source.name, area, answer.recommendation.number, answer.recommendation.text]
            if not answer.actions:
                rows.append([*start, "", "", "No actions answer it yet", "", "", "", "", ""])
            for action in answer.actions:
                status = action.status
                rows.append(
                    [
                        *start,
                        action.ref,
                        action.part_of or "",
                        action.title,
                        action.lead_officer.name if action.lead_officer_id else "",
                        status.label if status else "No update",
                        Rag(status.rag).label if status else "",
                        f"{action.month:%B %Y}" if action.month else "",
                        action.narrative or "",
                    ]
                )
    return rows
