"""What goes in a committee report: `compose` runs the queries and returns a plain,
JSON-ready dict, the snapshot; `present` turns a snapshot into what the templates show.

Reports always render from a snapshot, whether it was composed a moment ago (a draft) or
frozen at publication years ago, so what a published report says never depends on live data.

Figures follow the dashboard's rules (plans.summary): an action's status is its latest
published update on or before the period's last month; parent (focus) actions and statuses
such as N/A are left out of percentages, and every figure says what it left out.
"""

import base64
import datetime
import json
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from plans import charts, dates, measure_summary, sources, summary
from plans.models import Action, Evidence, Rag, Status, Update
from reports import periods
from reports.models import Report
from tracker import policy

SCHEMA = 2  # 2 added the measures and recommendations
TREND_MONTHS = 12  # as the dashboard's trend
RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.GREY]
STATUS_FIELDS = [
    "label",
    "code",
    "rag",
    "definition",
    "leadership_action",
    "counted",
    "counts_as_done",
    "needs_evidence",
    "not_started",
]


def compose(*, plan, period, committee=None, meeting=None, now=None):
    """The snapshot of `plan` (or `committee`'s actions in it) for `period`, with the plan's
    measures and recommendations. Thirteen queries whatever the number of actions, measures
    and recommendations."""
    as_at = period.last_month
    before = period.previous.last_month
    trend_months = [dates.add_months(as_at, n) for n in range(1 - TREND_MONTHS, 1)]
    quarter_ends = period.months[2::3] if period.kind == periods.ANNUAL else []
    months = sorted({*trend_months, before, *quarter_ends})

    statuses = list(Status.objects.filter(plan=plan))
    by_id = {s.pk: s for s in statuses}

    actions = Action.objects.filter(plan=plan)
    if committee is not None:
        actions = actions.filter(committees=committee)
    published = Update.objects.visible_to(policy.EVERYONE)

    history = defaultdict(list)  # action id -> [(month, status id)], oldest first
    for action_id, month, status_id in (
        published.filter(action__in=actions.values("pk"), month__lte=as_at)
        .order_by("action_id", "month")
        .values_list("action_id", "month", "status_id")
    ):
        history[action_id].append((month, status_id))

    latest = published.filter(action=OuterRef("pk"), month__lte=as_at).order_by("-month")
    updates = {
        u["action_id"]: u
        for u in published.filter(
            pk__in=actions.annotate(u=Subquery(latest.values("pk")[:1])).values("u")
        ).values("action_id", "month", "narrative", "signature", "no_change")
    }

    rows = (
        actions.annotate(has_children=Exists(Action.objects.filter(parent=OuterRef("pk"))))
        .order_by(*summary.PLAN_ORDER)
        .values(
            "pk",
            "ref",
            "title",
            "due_text",
            "due_date",
            "start_text",
            "member_lead",
            "has_children",
            "parent__ref",
            "theme__name",
            "workstream__name",
            "theme__priority__name",
            "theme__priority__sort_order",
            "lead_officer__name",
            "director__name",
        )
    )

    overall, themes, priorities = _Counts(), {}, {}
    trend = {month: _Counts() for month in trend_months}
    year = defaultdict(lambda: {month: _Counts() for month in quarter_ends})
    moves = defaultdict(list)
    listed, done_ids = [], []
    served = summary.served_priorities(plan)
    for row in rows:
        groups = [overall, themes.setdefault(row["theme__name"], _Counts())]
        priority = row["theme__priority__name"]
        keys = set(served[row["pk"]])
        if priority is not None:
            keys.add((row["theme__priority__sort_order"], priority))
        groups += [priorities.setdefault(key, _Counts()) for key in sorted(keys)]
        at = _statuses_at(history.get(row["pk"], []), months)
        status_id, before_id = at[as_at], at[before]
        left_out = row["has_children"] and not plan.count_parent_actions
        if left_out:
            for breakdown in [*groups, *trend.values()]:
                breakdown.parents_left_out += 1
        else:
            for breakdown in groups:
                breakdown.add(status_id)
            for month, breakdown in trend.items():
                breakdown.add(at[month])
            for month, breakdown in year[row["theme__name"]].items():
                breakdown.add(at[month])
            kind = summary.movement(by_id.get(before_id), by_id.get(status_id))
            if before_id is None and status_id is not None:
                kind = "new"
            if kind:
                moves[kind].append(row["ref"])
        update = updates.get(row["pk"])
        status = by_id.get(status_id)
        if status is not None and status.counts_as_done and not left_out:
            done_ids.append(row["pk"])
        listed.append(
            {
                "id": row["pk"],
                "ref": row["ref"],
                "title": row["title"],
                "theme": row["theme__name"],
                "workstream": row["workstream__name"] or "",
                "priority": priority or "",
                "parent": row["parent__ref"] or "",
                "is_parent": row["has_children"],
                "left_out": left_out,
                "lead": row["lead_officer__name"] or "",
                "director": row["director__name"] or "",
                "member_lead": row["member_lead"],
                "start": row["start_text"],
                "due": row["due_text"],
                "due_date": row["due_date"],
                "status": status_id,
                "previous_status": before_id,
                "update": update
                and {
                    "month": update["month"],
                    "narrative": update["narrative"],
                    "signature": update["signature"],
                    "no_change": update["no_change"],
                },
                "evidence": [],
            }
        )

    evidence = defaultdict(list)
    for item in (
        Evidence.objects.filter(update__in=published.filter(action__in=done_ids, month__lte=as_at))
        .order_by("update__month", "added_at", "pk")
        .values("pk", "update__action_id", "description", "filename", "link")
    ):
        url = item["link"] or settings.SITE_URL + reverse(
            "plans:evidence", args=[plan.slug, item["pk"]]
        )
        label = item["description"] or item["filename"] or item["link"]
        evidence[item["update__action_id"]].append({"label": label, "url": url})
    for action in listed:
        action["evidence"] = evidence.get(action.pop("id"), [])

    trend_rows = [(month, counts) for month, counts in trend.items()]
    while len(trend_rows) > 1 and not trend_rows[0][1].any():
        trend_rows.pop(0)

    kind_label = Report.Kind(period.kind).label
    snapshot = {
        "schema": SCHEMA,
        "title": f"{kind_label} report: {period.name}",
        "document_title": f"{plan.name}: {kind_label.lower()} report, {period.name}"
        + (f", {committee.name}" if committee else ""),
        "kind": period.kind,
        "kind_label": kind_label,
        "period": period.code,
        "period_name": period.name,
        "period_span": period.span,
        "as_at": as_at,
        "previous": {"period": period.previous.code, "name": period.previous.name, "as_at": before},
        "council": plan.organisation,
        "plan": {"name": plan.name, "slug": plan.slug},
        "committee": committee.name if committee else None,
        "meeting": meeting and {"committee": meeting.committee.name, "date": meeting.date},
        "generated_at": timezone.localtime(now or timezone.now()),
        "statuses": [{"id": s.pk, **{f: getattr(s, f) for f in STATUS_FIELDS}} for s in statuses],
        "overall": overall.dump(),
        "priorities": [{"name": name, **c.dump()} for (_, name), c in sorted(priorities.items())],
        "themes": [{"name": name, **c.dump()} for name, c in themes.items()],
        "trend": [{"month": month, **c.dump()} for month, c in trend_rows],
        "movement": {key: moves.get(key, []) for key, _ in MOVEMENTS},
        "unchanged": len(moves.get("unchanged", [])),
        "year": [
            {"name": name, "quarters": [{"month": m, **c.dump()} for m, c in year[name].items()]}
            for name in themes
        ]
        if quarter_ends
        else [],
        "actions": listed,
        # The measures and recommendations are the whole plan's, whatever the committee.
        "measures": measure_summary.snapshot(plan, as_at),
        "recommendations": sources.snapshot(plan, as_at),
    }
    # What is stored is exactly what was rendered: JSON in, JSON out.
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


MOVEMENTS = [
    ("complete", "Newly complete"),
    ("improved", "Improved"),
    ("slipped", "Slipped"),
    ("new", "New actions"),
    ("other", "Changed otherwise"),
]


def _statuses_at(entries, months):
    """{month: status id in force then} for `months` (ascending), from an action's (month,
    status id) entries (ascending): the latest entry on or before each month, or None."""
    found, current, position = {}, None, 0
    for month in months:
        while position < len(entries) and entries[position][0] <= month:
            current = entries[position][1]
            position += 1
        found[month] = current
    return found


class _Counts:
    """Counts per status while composing; dumped as JSON-ready numbers."""

    def __init__(self):
        self.by_status = defaultdict(int)
        self.no_update = 0
        self.parents_left_out = 0

    def add(self, status_id):
        if status_id is None:
            self.no_update += 1
        else:
            self.by_status[status_id] += 1

    def any(self):
        return bool(self.by_status)

    def dump(self):
        return {
            "by_status": {str(k): v for k, v in sorted(self.by_status.items())},
            "no_update": self.no_update,
            "parents_left_out": self.parents_left_out,
        }


# Presenting a snapshot.


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def _breakdown(statuses, counts):
    """A plans.summary.Breakdown from a snapshot's counts, so the report uses the dashboard's
    own arithmetic (percentages, RAG totals, what is left out) and its charts."""
    made = summary.Breakdown(statuses)
    for key, value in counts["by_status"].items():
        made.by_status[int(key)] = value
    made.no_update = counts["no_update"]
    made.parents_left_out = counts["parents_left_out"]
    return made


def _or_list(words):
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def sentence(breakdown, noun="actions"):
    """The breakdown in words, e.g. "24 of 31 actions (77%) are on track, complete or closed;
    5 (16%) are amber (Medium progress) and 2 (6%) are red (Significant issues / slippage)."
    """
    counted = breakdown.counted
    if not counted:
        return f"No {noun} have a status that counts towards the percentages yet."
    good = [s for s in breakdown.statuses if s.counted and s.rag in (Rag.GREEN, Rag.BLUE)]
    good_count = sum(breakdown.by_status[s.pk] for s in good)
    words = _or_list(s.label.lower() for s in good) or "on track or complete"
    verb = "is" if good_count == 1 else "are"
    text = (
        f"{good_count} of {counted} {noun} ({summary.percent(good_count, counted)}%) {verb} {words}"
    )
    others = []
    for rag in (Rag.AMBER, Rag.RED, Rag.GREY):
        names = [s for s in breakdown.statuses if s.counted and s.rag == rag]
        count = sum(breakdown.by_status[s.pk] for s in names)
        if count:
            label = _or_list(s.label for s in names)
            verb = "is" if count == 1 else "are"
            others.append(
                f"{count} ({summary.percent(count, counted)}%) {verb} "
                f"{Rag(rag).label.lower()} ({label})"
            )
    if others:
        text += "; " + (
            f"{', '.join(others[:-1])} and {others[-1]}" if len(others) > 1 else others[0]
        )
    return text + "."


def left_out_sentence(breakdown):
    parts = breakdown.left_out()
    return f"Not counted: {', '.join(parts)}." if parts else ""


@dataclass
class Group:
    name: str
    breakdown: summary.Breakdown

    @property
    def sentence(self):
        return sentence(self.breakdown)

    @property
    def not_counted(self):
        return self.breakdown.total - self.breakdown.counted


def _data_uri(svg):
    data = svg if isinstance(svg, bytes) else svg.encode()
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode()


def present(snapshot):
    """Everything the report templates show, from a snapshot alone (no queries)."""
    statuses = [
        Status(pk=s["id"], **{f: s[f] for f in STATUS_FIELDS}) for s in snapshot["statuses"]
    ]
    by_id = {s.pk: s for s in statuses}
    as_at = _date(snapshot["as_at"])
    overall = _breakdown(statuses, snapshot["overall"])
    trend = [(_date(t["month"]), _breakdown(statuses, t)) for t in snapshot["trend"]]

    actions = []
    for item in snapshot["actions"]:
        update = item["update"] and {**item["update"], "month": _date(item["update"]["month"])}
        actions.append(
            {
                **item,
                "due_date": _date(item["due_date"]),
                "status": by_id.get(item["status"]),
                "previous_status": by_id.get(item["previous_status"]),
                "update": update,
            }
        )
    counted = [a for a in actions if not a["left_out"]]
    by_ref = {a["ref"]: a for a in counted}

    def with_status(pick):
        """[(status, [actions])] for the statuses `pick` chooses, in RAG then plan order."""
        # Statuses come in the plan's order; sorting by colour keeps that order within one.
        chosen = sorted((s for s in statuses if pick(s)), key=lambda s: RAG_ORDER.index(s.rag))
        groups = [(s, [a for a in counted if a["status"] is s]) for s in chosen]
        return [(s, items) for s, items in groups if items]

    done_now = [
        a
        for a in counted
        if a["status"] is not None
        and a["status"].counts_as_done
        and not (a["previous_status"] is not None and a["previous_status"].counts_as_done)
    ]
    quarters = [
        {
            "name": theme["name"],
            "quarters": [(_date(q["month"]), _breakdown(statuses, q)) for q in theme["quarters"]],
            "completed": [a for a in done_now if a["theme"] == theme["name"]],
        }
        for theme in snapshot["year"]
    ]
    for theme in quarters:
        theme["sentence"] = sentence(theme["quarters"][-1][1]) if theme["quarters"] else ""

    movement = [
        (key, label, [by_ref[ref] for ref in snapshot["movement"].get(key, [])])
        for key, label in MOVEMENTS
    ]
    priorities = [Group(g["name"], _breakdown(statuses, g)) for g in snapshot["priorities"]]
    themes = [Group(g["name"], _breakdown(statuses, g)) for g in snapshot["themes"]]
    # Snapshots of schema 1, from before measures were tracked, have no measures section: a
    # published report's page must say what its PDF said.
    card = measure_summary.present(snapshot["measures"]) if "measures" in snapshot else None
    return {
        **snapshot,
        "as_at": as_at,
        "previous": {**snapshot["previous"], "as_at": _date(snapshot["previous"]["as_at"])},
        "meeting": snapshot["meeting"]
        and {**snapshot["meeting"], "date": _date(snapshot["meeting"]["date"])},
        "generated_at": datetime.datetime.fromisoformat(snapshot["generated_at"]),
        "statuses": statuses,
        "overall": overall,
        "sentence": sentence(overall),
        "left_out": left_out_sentence(overall),
        "priorities": priorities,
        "themes": themes,
        "trend": trend,
        "rags": [rag for rag in RAG_ORDER if any(s.rag == rag and s.counted for s in statuses)],
        "movement": movement,
        "exceptions": with_status(lambda s: s.rag in (Rag.RED, Rag.AMBER)),
        "completed": done_now,
        # On hold and not due to start: grey statuses that mean something for the action,
        # leaving out those such as N/A that only say no update was needed.
        "waiting": with_status(lambda s: s.rag == Rag.GREY and (s.counted or s.not_started)),
        "year": quarters,
        "appendix": _by_theme(actions),
        "charts": {
            "status": _data_uri(charts.status_chart(overall, f"Actions by status, {as_at:%B %Y}")),
            "trend": _data_uri(
                charts.trend_chart(trend, f"Actions by RAG colour, to {as_at:%B %Y}")
            ),
            "priorities": priorities and _group_chart(priorities, "priority", as_at),
            "themes": _group_chart(themes, "theme", as_at),
            "measures": card
            and card.tracked
            and _data_uri(
                charts.measures_chart(card.rows(), f"Measures against target, {as_at:%B %Y}")
            ),
        },
        "measures": card,
        "measure_charts": [
            (line, _data_uri(_measure_chart(line, as_at))) for line in card.attention()
        ]
        if card
        else [],
        "recommendations": snapshot.get("recommendations", []),
    }


def _measure_chart(line, as_at):
    measure = line.measure
    return charts.measure_chart(
        line.points,
        unit=measure.unit,
        frequency=measure.frequency,
        title=f"{measure.name}, to {as_at:%B %Y}",
    )


class _Name(str):
    """A group's name standing where charts.trend_chart expects a month: it writes its bar
    labels with a date format, which a name ignores."""

    def __format__(self, spec):
        return str(self)


def _group_chart(groups, noun, as_at):
    """The dashboard's stacked RAG bars, one bar per priority or theme instead of per month."""
    bars = [(_Name(group.name), group.breakdown) for group in groups]
    return _data_uri(charts.trend_chart(bars, f"Actions by RAG colour and {noun}, {as_at:%B %Y}"))


def _by_theme(actions):
    groups = []
    for action in actions:
        if not groups or groups[-1][0] != action["theme"]:
            groups.append((action["theme"], []))
        groups[-1][1].append(action)
    return groups
