"""Counting actions by status, following the plan's rules for what counts.

Parent (focus) actions are left out unless the plan counts them; statuses marked "not counted"
(N/A, Not due to start) and actions with no update yet are left out of the denominator. Every
figure says what it left out, so a page can say so too.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, Exists, F, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce, Substr

from plans import dates
from plans.models import Action, Plan, Rag, Round, Status, Update
from tracker import policy


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

    def rag_sentence(self):
        """The counted actions by RAG colour in words, leaving out colours no action has:
        "50% green, 25% amber and 25% done"."""
        parts = [
            f"{pct}% {'done' if rag == Rag.BLUE else label.lower()}"
            for rag, label, count, pct in self.rag_rows()
            if count
        ]
        return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)

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
    """Annotate actions with the status id and month of their latest update that every reader
    may see (as at `month`, the first of a month, when given) and whether they have children.
    One query."""
    updates = Update.objects.visible_to(policy.EVERYONE).filter(action=OuterRef("pk"))
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


# The tracker, dashboard and committee pages build on these. Each runs a fixed number of
# queries whatever the size of the plan.


def plans_with_round():
    """Plans annotated with `open_round_month`: the open update round's month, or None."""
    return Plan.objects.annotate(
        open_round_month=Subquery(
            Round.objects.open().filter(plan=OuterRef("pk")).order_by("-month").values("month")[:1]
        )
    )


def update_months(plan):
    """(first, last) month with any update every reader may see in the plan, or (None, None).
    One query, which reads each action's first and last update from the index rather than
    every update."""
    updates = (
        Update.objects.visible_to(policy.EVERYONE).filter(action=OuterRef("pk")).values("month")
    )
    return tuple(
        Action.objects.filter(plan=plan)
        .annotate(
            first_month=Subquery(updates.order_by("month")[:1]),
            last_month=Subquery(updates.order_by("-month")[:1]),
        )
        .aggregate(first=Min("first_month"), last=Max("last_month"))
        .values()
    )


def current_month(plan):
    """The month "this month's update" means: the open round's month, otherwise the latest month
    with any update. None for a plan with neither. `plan` comes from plans_with_round(), with
    `first_update_month` and `last_update_month` set from update_months()."""
    return plan.open_round_month or plan.last_update_month


def month_choices(plan):
    """Every month from the plan's first update to its current month, newest first."""
    last = current_month(plan)
    if last is None:
        return []
    first = plan.first_update_month or last
    return [dates.add_months(last, -n) for n in range(dates.months_between(first, last) + 1)]


def for_tracker(actions, *, as_at=None, current=None, opening=400):
    """Annotate actions for the tracker: the status id, month and narrative (its first
    `opening` characters; all of it when None) of their latest published update as at
    `as_at` (the latest of all when None), whether they have children, whether
    they have an update for the `current` month, and their parent's ref. One query."""
    latest = Update.objects.visible_to(policy.EVERYONE).filter(action=OuterRef("pk"))
    if as_at is not None:
        latest = latest.filter(month__lte=as_at)
    latest = latest.order_by("-month")
    # An update awaiting sign-off has been written, so it is not missing; one returned for
    # changes still is.
    written = Update.objects.filter(action=OuterRef("pk"), month=current).exclude(
        approval=Update.Approval.RETURNED
    )
    return actions.annotate(
        latest_status_id=Subquery(latest.values("status_id")[:1]),
        latest_month=Subquery(latest.values("month")[:1]),
        latest_narrative=Subquery(
            latest.values(text=Substr("narrative", 1, opening) if opening else F("narrative"))[:1]
        ),
        has_children=Exists(Action.objects.filter(parent=OuterRef("pk"))),
        has_current_update=Exists(written),
        parent_ref=F("parent__ref"),
    )


def needs_update(plan):
    """Which actions are asked for a monthly update: every action, except parents (focus
    actions) when they show their children's roll-up. Use on a for_tracker() queryset."""
    return Q() if plan.parents_rate_themselves else Q(has_children=False)


# Plan order: theme, workstream, then each focus action followed by its sub-actions. Themes
# and workstreams with the same sort order keep the order they were created in (an import's).
PLAN_ORDER = [
    "theme__sort_order",
    "theme_id",
    F("workstream__sort_order").asc(nulls_first=True),
    F("workstream_id").asc(nulls_first=True),
    Coalesce("parent__sort_order", "sort_order"),
    Coalesce("parent__ref", "ref"),
    F("parent_id").asc(nulls_first=True),
    "sort_order",
    "ref",
]


# What a tracker row needs, for .values() on a for_tracker() queryset: plain dicts are several
# times quicker to build than model instances, which matters at 500 rows a page.
ROW_FIELDS = [
    "pk",
    "ref",
    "title",
    "theme_id",
    "theme__name",
    "workstream_id",
    "workstream__name",
    "lead_officer__name",
    "due_text",
    "due_date",
    "parent_ref",
    "has_children",
    "latest_status_id",
    "latest_month",
    "latest_narrative",
    "has_current_update",
]


def group_by_theme(rows):
    """[(theme name, [(workstream name or None, [row, ...]), ...]), ...] for rows (dicts of
    ROW_FIELDS) in plan order."""
    groups = []
    for row in rows:
        if not groups or groups[-1][0] != row["theme_id"]:
            groups.append((row["theme_id"], row["theme__name"], []))
        streams = groups[-1][2]
        if not streams or streams[-1][0] != row["workstream_id"]:
            streams.append((row["workstream_id"], row["workstream__name"], []))
        streams[-1][2].append(row)
    return [
        (theme, [(stream, stream_rows) for _, stream, stream_rows in streams])
        for _, theme, streams in groups
    ]


RAG_RANK = {Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}

MOVEMENTS = [
    ("complete", "Newly complete"),
    ("improved", "Improved"),
    ("slipped", "Slipped"),
    ("unchanged", "Unchanged"),
    ("other", "Changed otherwise"),
]


def movement(before, after):
    """How a status moved between two months, as a key of MOVEMENTS: "improved" and "slipped"
    compare RAG colours (red, amber, green); reopening a done action is "slipped"; a first
    status, or a move to or from a grey status, is "other". None when there is no status now."""
    if after is None:
        return None
    if before is not None and before.pk == after.pk:
        return "unchanged"
    if after.counts_as_done and not (before and before.counts_as_done):
        return "complete"
    if before is not None and before.counts_as_done and not after.counts_as_done:
        return "slipped"
    if before is not None and before.rag in RAG_RANK and after.rag in RAG_RANK:
        change = RAG_RANK[after.rag] - RAG_RANK[before.rag]
        if change:
            return "improved" if change < 0 else "slipped"
    return "other"


@dataclass
class Moved:
    ref: str
    title: str
    before: Status | None
    after: Status


@dataclass
class Worrying:
    """A red or amber action, with its latest update as at the dashboard's month."""

    ref: str
    title: str
    lead_officer: str | None
    status: Status
    month: datetime.date
    narrative: str = ""


@dataclass
class Dashboard:
    month: datetime.date
    overall: Breakdown
    priorities: list  # [(name, Breakdown)], in the plan's order
    themes: list  # [(name, Breakdown)]
    trend: list  # [(month, Breakdown)], oldest first, ending at `month`
    moves: dict  # MOVEMENTS key -> [Moved]
    attention: list  # [Worrying], red first, then amber, each in plan order

    @property
    def previous(self):
        return dates.add_months(self.month, -1)

    def movement_rows(self):
        """(label, actions) for each kind of movement since the previous month."""
        return [(label, self.moves[key]) for key, label in MOVEMENTS]


def served_priorities(plan):
    """{action id: {(sort order, name)}} of the priorities each of the plan's actions serves
    besides its theme's (Action.priorities): an action counts under every priority it serves.
    One query."""
    served = defaultdict(set)
    for action_id, order, name in Action.priorities.through.objects.filter(
        action__plan=plan
    ).values_list("action_id", "priority__sort_order", "priority__name"):
        served[action_id].add((order, name))
    return served


def dashboard(plan, month, window=12):
    """The plan's position as at `month`: breakdowns overall, per priority and per theme, the
    movement since the month before, the red and amber actions, and the breakdown for each of
    the `window` months up to `month` (dropping leading months with no status at all). Five
    queries: the window's updates are read once, with each action's last update before it,
    and the rest is counted here, so older history costs nothing."""
    statuses = list(Status.objects.filter(plan=plan))
    by_id = {s.pk: s for s in statuses}
    months = [dates.add_months(month, n) for n in range(1 - window, 1)]
    # Months as "YYYY-MM-DD" text, which sorts as the dates do: turning ten thousand of them
    # into date objects took a third of the time.
    as_text = Cast("month", CharField())
    history = defaultdict(list)  # action id -> [(month, status id, update id)], oldest first
    published = Update.objects.visible_to(policy.EVERYONE)
    updates = published.filter(action__plan=plan, month__gte=months[0], month__lte=month)
    for action_id, *entry in updates.order_by("action_id", "month").values_list(
        "action_id", as_text, "status_id", "pk"
    ):
        history[action_id].append(entry)
    earlier = published.filter(action=OuterRef("pk"), month__lt=months[0]).order_by("-month")

    keys = [m.isoformat() for m in months]
    trend = [Breakdown(statuses) for _ in months]
    priorities, themes = {}, {}
    moves = {key: [] for key, _ in MOVEMENTS}
    attention = {}  # update id -> Worrying
    actions = (
        Action.objects.filter(plan=plan)
        .annotate(
            has_children=Exists(Action.objects.filter(parent=OuterRef("pk"))),
            prior_month=Subquery(earlier.values(text=as_text)[:1]),
            prior_status=Subquery(earlier.values("status_id")[:1]),
            prior_update=Subquery(earlier.values("pk")[:1]),
        )
        .order_by(*PLAN_ORDER)
        .values_list(
            "pk",
            "ref",
            "title",
            "lead_officer__name",
            "theme__name",
            "theme__priority__sort_order",
            "theme__priority__name",
            "has_children",
            "prior_month",
            "prior_status",
            "prior_update",
        )
    )
    served = served_priorities(plan)
    for pk, ref, title, lead, theme, priority_order, priority, has_children, *prior in actions:
        groups = [themes.setdefault(theme, Breakdown(statuses))]
        serves = served[pk] | ({(priority_order, priority)} if priority is not None else set())
        groups += [priorities.setdefault(key, Breakdown(statuses)) for key in sorted(serves)]
        if has_children and not plan.count_parent_actions:
            for breakdown in [*trend, *groups]:
                breakdown.parents_left_out += 1
            continue
        entries = history.get(pk, [])
        if prior[0] is not None:
            entries = [prior, *entries]
        at = entries_at(entries, keys)
        for breakdown, entry in zip(trend, at, strict=True):
            breakdown.add(entry and entry[1])
        for breakdown in groups:
            breakdown.add(at[-1] and at[-1][1])
        before = by_id.get(at[-2][1]) if len(at) > 1 and at[-2] else None
        after = by_id.get(at[-1][1]) if at[-1] else None
        if kind := movement(before, after):
            moves[kind].append(Moved(ref, title, before, after))
        if after is not None and after.rag in (Rag.RED, Rag.AMBER):
            when = datetime.date.fromisoformat(at[-1][0])
            attention[at[-1][2]] = Worrying(ref, title, lead, after, when)

    for pk, narrative in Update.objects.filter(pk__in=attention).values_list(
        "pk", Substr("narrative", 1, 400)
    ):
        attention[pk].narrative = narrative
    trend = list(zip(months, trend, strict=True))
    while len(trend) > 1 and not trend[0][1].by_status:
        trend.pop(0)
    return Dashboard(
        month=month,
        overall=trend[-1][1],
        priorities=[(name, b) for (_, name), b in sorted(priorities.items())],
        themes=list(themes.items()),
        trend=trend,
        moves=moves,
        attention=sorted(attention.values(), key=lambda a: a.status.rag != Rag.RED),
    )


def entries_at(entries, months):
    """The entry in force at each of `months` (ascending), from an action's entries (ascending
    by month, their first item): the latest one on or before that month, or None."""
    found, current, position = [], None, 0
    for month in months:
        while position < len(entries) and entries[position][0] <= month:
            current = entries[position]
            position += 1
        found.append(current)
    return found
