"""Counting actions by status, following the plan's rules for what counts.

Parent (focus) actions are left out unless the plan counts them; statuses marked "not counted"
(N/A, Not due to start) and actions with no update yet are left out of the denominator. Every
figure says what it left out, so a page can say so too.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Subquery

from plans.models import Action, Rag, Status, Update


@dataclass
class Breakdown:
    statuses: list  # the plan's vocabulary, in order
    by_status: Counter = field(default_factory=Counter)  # status id -> actions
    no_update: int = 0
    parents_left_out: int = 0

    def add(self, status_id):
        if status_id is None:
            self.no_update += 1
        else:
            self.by_status[status_id] += 1

    @property
    def counted(self):
        """The denominator: actions whose status counts towards percentages."""
        return sum(self.by_status[s.pk] for s in self.statuses if s.counted)

    @property
    def total(self):
        """Every action, counted or not."""
        return sum(self.by_status.values()) + self.no_update + self.parents_left_out

    def rows(self):
        """(status, count, percent or None when the status is not counted) per status."""
        denominator = self.counted
        return [
            (
                s,
                self.by_status[s.pk],
                percent(self.by_status[s.pk], denominator) if s.counted else None,
            )
            for s in self.statuses
        ]

    def rag_rows(self):
        """(rag value, label, count, percent) per RAG colour among counted statuses."""
        counts = Counter()
        for s in self.statuses:
            if s.counted:
                counts[s.rag] += self.by_status[s.pk]
        return [
            (rag.value, rag.label, counts[rag.value], percent(counts[rag.value], self.counted))
            for rag in Rag
            if rag.value in {s.rag for s in self.statuses if s.counted}
        ]

    def left_out(self):
        """What the percentages leave out, in words, e.g. ["2 parent actions", "3 N/A"]."""
        parts = []
        if self.parents_left_out:
            parts.append(plural(self.parents_left_out, "parent (focus) action"))
        for s in self.statuses:
            if not s.counted and self.by_status[s.pk]:
                parts.append(f"{self.by_status[s.pk]} {s.label}")
        if self.no_update:
            parts.append(f"{self.no_update} with no update yet")
        return parts


def percent(part, whole):
    return round(100 * part / whole) if whole else 0


def plural(count, noun):
    return f"{count} {noun}{'' if count == 1 else 's'}"


def with_latest_status(actions, month=None):
    """Annotate actions with the status id and month of their latest update (as at `month`,
    the first of a month, when given) and whether they have children. One query."""
    updates = Update.objects.filter(action=OuterRef("pk"))
    if month is not None:
        updates = updates.filter(month__lte=month)
    latest = updates.order_by("-month")
    return actions.annotate(
        latest_status_id=Subquery(latest.values("status_id")[:1]),
        latest_month=Subquery(latest.values("month")[:1]),
        has_children=Exists(Action.objects.filter(parent=OuterRef("pk"))),
    )


def status_breakdown(plan, month=None):
    """The plan's breakdown overall and per theme: (overall, [(theme, breakdown), ...]).

    Two queries whatever the size of the plan.
    """
    statuses = list(Status.objects.filter(plan=plan))
    overall = Breakdown(statuses)
    themes = {}
    rows = with_latest_status(Action.objects.filter(plan=plan), month).values_list(
        "theme_id", "theme__name", "latest_status_id", "has_children"
    )
    for theme_id, theme_name, status_id, has_children in rows.order_by(
        "theme__sort_order", "theme__name"
    ):
        theme = themes.setdefault(theme_id, (theme_name, Breakdown(statuses)))[1]
        if has_children and not plan.count_parent_actions:
            overall.parents_left_out += 1
            theme.parents_left_out += 1
            continue
        overall.add(status_id)
        theme.add(status_id)
    return overall, list(themes.values())
