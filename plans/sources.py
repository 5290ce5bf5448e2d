"""Where actions come from: each recommendation of a source with the actions that answer it
and a roll-up of their statuses, so a clerk can answer "what have we done about
recommendation 7?" from one page, its export, or the committee report.

Statuses follow the tracker's rules: each action's latest published update (as at a month,
when given); focus (parent) actions carry no status of their own and are left out of roll-ups
unless the plan counts them.
"""

import copy
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Subquery

from plans.models import Action, Rag, Recommendation, Status, Update
from plans.summary import plural
from tracker import policy

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


def _answers(plan, recommendations, as_at):
    """([Answer], statuses) for `recommendations` (a queryset, in the order given): each with
    its actions in plan order (a focus action followed by its sub-actions) and their latest
    published status as at `as_at`; and the plan's statuses in order. Four queries."""
    statuses = {s.pk: s for s in Status.objects.filter(plan=plan)}
    latest = Update.objects.visible_to(policy.EVERYONE).filter(action=OuterRef("pk"))
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
    links = Recommendation.actions.through.objects.filter(recommendation__in=recommendations)
    linked = defaultdict(set)  # recommendation id -> action ids
    for recommendation_id, action_id in links.values_list("recommendation_id", "action_id"):
        linked[recommendation_id].add(action_id)
    # A focus action answers a recommendation through its sub-actions, so they come too.
    ids = links.values("action_id")
    found = list(actions.filter(Q(pk__in=ids) | Q(parent__in=ids)))
    children = defaultdict(list)
    for action in found:
        action.status = statuses.get(action.status_id)
        children[action.parent_id].append(action)
    made = []
    for recommendation in recommendations:
        answering = linked[recommendation.pk]
        rows = []
        for action in found:
            if action.pk in answering and action.parent_id not in answering:
                rows.append(_row(action, None))
                rows += [_row(child, action.ref) for child in children[action.pk]]
        made.append(Answer(recommendation, rows, plan.count_parent_actions))
    return made, list(statuses.values())


def _row(action, part_of):
    """A copy of `action` for one recommendation's list: an action may answer one
    recommendation itself and another through its focus action."""
    row = copy.copy(action)
    row.part_of = part_of
    return row


def _by_area(found):
    grouped = []
    for answer in found:
        if not grouped or grouped[-1][0] != answer.recommendation.area:
            grouped.append((answer.recommendation.area, []))
        grouped[-1][1].append(answer)
    return grouped


def answers(source, *, as_at=None):
    """([(area, [Answer])], statuses) for `source`'s recommendations in its own order (see
    _answers). Four queries; `source` must come with its plan."""
    found, statuses = _answers(
        source.plan, source.recommendations.order_by("sort_order", "number"), as_at
    )
    return _by_area(found), statuses


def answered_by(committee):
    """Whether one of `committee`'s actions answers a recommendation: the rule for which
    recommendations a committee's report includes. An action answers one it is linked to,
    and so does each sub-action of a linked focus action (the actions the recommendation
    lists)."""
    links = Recommendation.actions.through.objects.filter(recommendation=OuterRef("pk"))
    return Exists(
        links.filter(Q(action__committees=committee) | Q(action__children__committees=committee))
    )


def snapshot(plan, as_at, *, committee=None):
    """(sources, left out): every source of the plan as at `as_at` (a month), JSON-ready for
    a committee report: each recommendation with its roll-up in words and the actions
    answering it. With `committee`, only the recommendations its actions answer (see
    answered_by), each still with all its actions, so its progress is the recommendation's;
    `left out` counts the plan's others (0 without a committee). Four queries."""
    recommendations = (
        Recommendation.objects.filter(source__plan=plan)
        .select_related("source")
        .order_by("source__sort_order", "source__name", "source_id", "sort_order", "number")
    )
    if committee is not None:
        recommendations = recommendations.annotate(answered=answered_by(committee))
    found, statuses = _answers(plan, recommendations, as_at)
    kept = [a for a in found if committee is None or a.recommendation.answered]
    made = []
    for answer in kept:
        source = answer.recommendation.source
        if not made or made[-1]["name"] != source.name:
            made.append({"id": source.pk, "name": source.name, "recommendations": []})
        made[-1]["recommendations"].append(
            {
                "number": answer.recommendation.number,
                "area": answer.recommendation.area,
                "text": answer.recommendation.text,
                "progress": answer.words(statuses),
                "done": answer.done,
                "actions": [
                    {
                        "ref": action.ref,
                        "status": action.status.label if action.status else "",
                        "part_of": action.part_of,
                    }
                    for action in answer.actions
                ],
            }
        )
    return made, len(found) - len(kept)


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
