"""Counting actions by status, following the plan's rules for what counts.

Parent (focus) actions are left out unless the plan counts them; statuses marked "not counted"
(N/A, Not due to start) and actions with no update yet are left out of the denominator. Every
figure says what it left out, so a page can say so too.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Exists, F, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce, Substr

from plans import dates
from plans.models import Action, Plan, Rag, Round, Status, StatusMonth, Update
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

    def dump(self):
        """The counts as JSON-ready numbers, as a report's snapshot keeps them."""
        return {
            "by_status": {str(k): v for k, v in sorted(self.by_status.items())},
            "no_update": self.no_update,
            "parents_left_out": self.parents_left_out,
        }

    @classmethod
    def load(cls, statuses, counts):
        """The breakdown dump() gave `counts`, over the plan's `statuses`."""
        made = cls(statuses, Counter({int(k): v for k, v in counts["by_status"].items()}))
        made.no_update = counts["no_update"]
        made.parents_left_out = counts["parents_left_out"]
        return made

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


@dataclass
class Counted:
    """An action as figures() counted it."""

    row: dict  # the action's values: pk, theme__name, has_children and the fields asked for
    left_out: bool  # a parent (focus) action the plan leaves out of its figures
    at: list  # its latest update at each month, (month as text, status id, update id) or None


class Figures:
    """Breakdowns of a plan's actions overall at each of `months` (ascending), per theme and
    per priority served at each of `group_months` (some of `months`), and how each action was
    counted."""

    def __init__(self, statuses, months, group_months):
        self.statuses = statuses
        self.by_id = {s.pk: s for s in statuses}
        self.months = months
        self.group_months = group_months
        self._keys = [m.isoformat() for m in months]  # as the entries give their months
        self._groups_at = [months.index(m) for m in group_months]
        self.overall = [Breakdown(statuses) for _ in months]
        self.themes = {}  # theme name -> [Breakdown per group month], in plan order
        self.priorities = {}  # (sort order, name) -> [Breakdown per group month]
        self.actions = []  # [Counted], in plan order

    def _group(self, groups, key):
        if key not in groups:
            groups[key] = [Breakdown(self.statuses) for _ in self.group_months]
        return groups[key]

    def count(self, row, entries, served, count_parents):
        """Count the action `row` overall, under its theme and under each priority it
        serves (`served`: (sort order, name) pairs), from its `entries`: (month as text, status
        id, update id), oldest first."""
        at = entries_at(entries, self._keys)
        left_out = row["has_children"] and not count_parents
        self.actions.append(Counted(row, left_out, at))
        groups = [self._group(self.themes, row["theme__name"])]
        groups += [self._group(self.priorities, key) for key in sorted(served)]
        if left_out:
            for breakdown in [*self.overall, *(b for group in groups for b in group)]:
                breakdown.parents_left_out += 1
            return
        ids = [entry and entry[1] for entry in at]
        for breakdown, status_id in zip(self.overall, ids, strict=True):
            breakdown.add(status_id)
        for index, position in enumerate(self._groups_at):
            for group in groups:
                group[index].add(ids[position])

    def status(self, action, month):
        """The status of `action` (a Counted) at `month`, or None."""
        entry = action.at[self.months.index(month)]
        return entry and self.by_id.get(entry[1])

    def overall_at(self, month):
        return self.overall[self.months.index(month)]

    def themes_at(self, month):
        """[(theme name, Breakdown)] at `month` (one of the group months), in plan order."""
        index = self.group_months.index(month)
        return [(name, months[index]) for name, months in self.themes.items()]

    def priorities_at(self, month):
        """[(priority name, Breakdown)] at `month` (one of the group months), in the plan's
        order of priorities."""
        index = self.group_months.index(month)
        return [(name, months[index]) for (_, name), months in sorted(self.priorities.items())]

    def trend(self, months):
        """[(month, Breakdown)] overall for `months`, dropping leading months with no status."""
        return without_leading_empty([(month, self.overall_at(month)) for month in months])


def without_leading_empty(trend):
    """`trend`, [(month, Breakdown)], without its leading months with no status (the last kept)."""
    while len(trend) > 1 and not trend[0][1].by_status:
        trend.pop(0)
    return trend


def figures(plan, months, *, group_months=None, committee=None, fields=()):
    """The plan's actions (only `committee`'s, when given) counted at each of `months` (firsts
    of months, ascending), and per theme and priority at each of `group_months` (some of
    `months`; the last when None): each action's status then is its latest update every reader
    may see on or before that month. `fields` are more values each Counted.row needs.

    Four queries whatever the size of the plan: the updates within the months are read once,
    with each action's last update before them, so older history costs nothing."""
    found = Figures(list(Status.objects.filter(plan=plan)), months, group_months or months[-1:])
    published = Update.objects.visible_to(policy.EVERYONE)
    updates = published.filter(action__plan=plan, month__gte=months[0], month__lte=months[-1])
    if committee is not None:
        updates = updates.filter(action__committees=committee)
    history = defaultdict(list)  # action id -> [(month, status id, update id)], oldest first
    for action_id, *entry in updates.order_by("action_id", "month").values_list(
        "action_id", AS_TEXT, "status_id", "pk"
    ):
        history[action_id].append(tuple(entry))
    earlier = published.filter(action=OuterRef("pk"), month__lt=months[0]).order_by("-month")
    rows = _counted_rows(
        plan,
        committee,
        fields,
        prior_month=Subquery(earlier.values(text=AS_TEXT)[:1]),
        prior_status=Subquery(earlier.values("status_id")[:1]),
        prior_update=Subquery(earlier.values("pk")[:1]),
    )

    def entries(row):
        prior = (row.pop("prior_month"), row.pop("prior_status"), row.pop("prior_update"))
        within = history.get(row["pk"], [])
        return [prior, *within] if prior[0] is not None else within

    _count(found, plan, rows, entries)
    return found


# Months as "YYYY-MM-DD" text, which sorts as the dates do: turning ten thousand of them into
# date objects took a third of the time.
AS_TEXT = Cast("month", CharField())


def _counted_rows(plan, committee, fields, **annotations):
    """The values figures() counts for each of the plan's actions (only `committee`'s), in plan
    order, with `annotations` (each action's updates) and `fields`. One query."""
    actions = Action.objects.filter(plan=plan)
    if committee is not None:
        actions = actions.filter(committees=committee)
    return (
        actions.annotate(
            has_children=Exists(Action.objects.filter(parent=OuterRef("pk"))), **annotations
        )
        .order_by(*PLAN_ORDER)
        .values(
            "pk",
            "theme__name",
            "theme__priority__sort_order",
            "theme__priority__name",
            "has_children",
            *annotations,
            *fields,
        )
    )


def _count(found, plan, rows, entries):
    """Count each of `rows` (from _counted_rows) into `found` (Figures), under every priority
    it serves, with its `entries(row)`: (month as text, status id, update id), oldest first,
    which takes the row's annotations out. One query."""
    served = served_priorities(plan)
    for row in rows:
        at = entries(row)
        serves = set(served[row["pk"]])
        if row["theme__priority__name"] is not None:
            serves.add((row["theme__priority__sort_order"], row["theme__priority__name"]))
        found.count(row, at, serves, plan.count_parent_actions)


def status_breakdown(plan, month=None):
    """The plan's breakdown overall and per theme as at `month` (the latest of all when None):
    (overall, [(theme, breakdown), ...])."""
    month = month or dates.LAST_MONTH  # no update is later
    found = figures(plan, [month])
    return found.overall_at(month), found.themes_at(month)


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

# Every kind of movement, in the order pages list them. Only a report has "new" actions (see
# movement()); it gives the unchanged as a number rather than a list.
MOVEMENTS = [
    ("complete", "Newly complete"),
    ("improved", "Improved"),
    ("slipped", "Slipped"),
    ("new", "New actions"),
    ("unchanged", "Unchanged"),
    ("other", "Changed otherwise"),
]


def movement(before, after, *, new=False):
    """How a status moved between two months, as a key of MOVEMENTS: "improved" and "slipped"
    compare RAG colours (red, amber, green); reopening a done action is "slipped"; a first
    status, or a move to or from a grey status, is "other". None when there is no status now.
    With `new`, as a report compares periods, a first status is "new" whatever it is."""
    if after is None:
        return None
    if before is None and new:
        return "new"
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


# The most actions a dashboard lists under one heading (each kind of movement, the red and
# amber actions): beyond it the page says how many more there are and where to find them, so
# a county's 5,000 actions make a page people can read (and one drawn in a tenth the time).
LIST_LIMIT = 100


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
        return [(label, self.moves[key]) for key, label in MOVEMENTS if key in self.moves]

    def movement_counts(self):
        """(label, number of actions) for the movement table (plans/_movement_table.html)."""
        return [(label, len(moved)) for label, moved in self.movement_rows()]


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


def trend(plan, months, *, committee=None, carried=()):
    """{month: Counter(status id -> actions)} at each of `months` (consecutive) of the plan's
    actions (only `committee`'s) the plan counts, as figures() counts them, given `carried`:
    the statuses of those whose last update every reader may see is before the first month.
    One aggregate query over StatusMonth's index, a row per action and month, rather than
    every update."""
    rows = StatusMonth.objects.filter(plan=plan, month__gte=months[0], month__lte=months[-1])
    if committee is not None:
        rows = rows.filter(action__committees=committee)
    if not plan.count_parent_actions:
        parents = Action.objects.filter(plan=plan, parent__isnull=False).values("parent")
        rows = rows.exclude(action__in=parents)
    exact, lasts = defaultdict(Counter), defaultdict(Counter)
    for row_month, status_id, last, count in (
        rows.order_by()
        .values("month", "status_id", "last")
        .annotate(count=Count("action_id"))
        .values_list("month", "status_id", "last", "count")
    ):
        exact[row_month][status_id] += count
        if last:  # in force every month after too
            lasts[row_month][status_id] += count
    found, carried = {}, Counter(carried)
    for month in months:
        found[month] = carried + exact[month]
        carried.update(lasts[month])
    return found


def _now_and_before(plan, months, committee):
    """Figures at `months` (a month, or the month before and it) for dashboard(), each action's
    status then read from StatusMonth's index. Each Counted.at entry is (month of its
    StatusMonth row as text, status id, update id): before the first month for an action whose
    last update is. Three queries."""
    found = Figures(list(Status.objects.filter(plan=plan)), months, months[-1:])
    kept = StatusMonth.objects.filter(action=OuterRef("pk")).order_by("-month")
    now, before = kept.filter(month__lte=months[-1]), kept.filter(month__lte=months[0])
    rows = _counted_rows(
        plan,
        committee,
        ["ref", "title", "lead_officer__name"],
        now_month=Subquery(now.values(text=AS_TEXT)[:1]),
        now_status=Subquery(now.values("status_id")[:1]),
        now_update=Subquery(now.values("update_id")[:1]),
        before_status=Subquery(before.values("status_id")[:1]),
    )
    first = months[0].isoformat()

    def entries(row):
        now = (row.pop("now_month"), row.pop("now_status"), row.pop("now_update"))
        before = (first, row.pop("before_status"), None)
        if now[0] is None:
            return []
        return [now] if now[0] <= first or before[1] is None else [before, now]

    _count(found, plan, rows, entries)
    return found


def dashboard(plan, month, window=12, *, committee=None):
    """The plan's position as at `month` (only `committee`'s actions, when given): breakdowns
    overall, per priority and per theme, the movement since the month before, the red and
    amber actions, and the breakdown for each of the `window` months up to `month` (dropping
    leading months with no status at all). Five queries: each action's status at `month` and
    the month before, trend() for the rest, and the red and amber actions' updates."""
    months = [dates.add_months(month, n) for n in range(1 - window, 1)]
    found = _now_and_before(plan, months[-2:], committee)
    overall = found.overall_at(month)
    counted = [action for action in found.actions if not action.left_out]
    start = months[0].isoformat()
    carried = Counter(a.at[-1][1] for a in counted if a.at[-1] and a.at[-1][0] < start)
    breakdowns = []
    for at, by_status in trend(plan, months, committee=committee, carried=carried).items():
        breakdown = Breakdown(found.statuses, by_status, len(counted) - by_status.total())
        breakdown.parents_left_out = overall.parents_left_out
        breakdowns.append((at, breakdown))
    moves = {key: [] for key, _ in MOVEMENTS if key != "new"}
    attention = {}  # update id -> Worrying
    for action in counted:
        row, at = action.row, action.at
        before = found.by_id.get(at[-2][1]) if len(at) > 1 and at[-2] else None
        after = found.by_id.get(at[-1][1]) if at[-1] else None
        if kind := movement(before, after):
            moves[kind].append(Moved(row["ref"], row["title"], before, after))
        if after is not None and after.rag in (Rag.RED, Rag.AMBER):
            attention[at[-1][2]] = Worrying(
                row["ref"], row["title"], row["lead_officer__name"], after, month=None
            )

    # Its month, and its narrative whole, for the dashboard's "Full update" (browse.narrative).
    for pk, written, narrative in Update.objects.filter(pk__in=attention).values_list(
        "pk", "month", "narrative"
    ):
        attention[pk].month, attention[pk].narrative = written, narrative
    return Dashboard(
        month=month,
        overall=overall,
        priorities=found.priorities_at(month),
        themes=found.themes_at(month),
        trend=without_leading_empty(breakdowns),
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
