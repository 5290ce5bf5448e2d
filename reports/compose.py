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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from plans import charts, dates, sources, summary
from plans.measures import scorecard
from plans.models import Committee, Evidence, Plan, Rag, Status, Update
from reports import periods, wording
from reports.models import Meeting, Report
from tracker import policy

# A snapshot: JSON-ready, as stored with the report.
Snapshot = dict[str, Any]
SCHEMA = 4  # 2 added the measures and recommendations, 3 a committee's scope, 4 the words
TREND_MONTHS = 12  # as the dashboard's trend
RAG_ORDER: list[str] = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.GREY]
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


def compose(
    *,
    plan: Plan,
    period: periods.Period,
    committee: Committee | None = None,
    meeting: Meeting | None = None,
    words: Snapshot | None = None,
    now: datetime.datetime | None = None,
) -> Snapshot:
    """The snapshot of `plan` for `period`, with its measures and recommendations; with
    `committee`, only the committee's actions, the measures assigned to it and the
    recommendations its actions answer, and how many of the plan's others it left out; and
    `words`, the officers' commentary and cover report (reports.wording.snapshot; none when not
    given). Thirteen queries whatever the number of actions, measures and recommendations."""
    as_at = period.last_month
    before = period.previous.last_month
    trend_months = [dates.add_months(as_at, n) for n in range(1 - TREND_MONTHS, 1)]
    quarter_ends = period.months[2::3] if period.kind == periods.ANNUAL else []
    months = sorted({*trend_months, before, *quarter_ends})

    found = summary.figures(
        plan,
        months,
        group_months=sorted({*quarter_ends, as_at}),
        committee=committee,
        fields=[
            "ref",
            "title",
            "due_text",
            "due_date",
            "start_text",
            "member_lead",
            "parent__ref",
            "workstream__name",
            "lead_officer__name",
            "director__name",
        ],
    )
    statuses = found.statuses
    now_at = months.index(as_at)
    latest = [action.at[now_at][2] for action in found.actions if action.at[now_at]]
    updates = {
        u["action_id"]: u
        for u in Update.objects.filter(pk__in=latest).values(
            "action_id", "month", "narrative", "signature", "no_change"
        )
    }

    # Each theme's breakdowns at each quarter's end, for an annual report's year in review.
    quarters = [(m, dict(found.themes_at(m))) for m in quarter_ends]
    moves = defaultdict(list)
    listed, done_ids = [], []
    for action in found.actions:
        row, left_out = action.row, action.left_out
        status, previous = found.status(action, as_at), found.status(action, before)
        if not left_out and (kind := summary.movement(previous, status, new=True)):
            moves[kind].append(row["ref"])
        if status is not None and status.counts_as_done and not left_out:
            done_ids.append(row["pk"])
        update = updates.get(row["pk"])
        listed.append(
            {
                "id": row["pk"],
                "ref": row["ref"],
                "title": row["title"],
                "theme": row["theme__name"],
                "workstream": row["workstream__name"] or "",
                "priority": row["theme__priority__name"] or "",
                "parent": row["parent__ref"] or "",
                "is_parent": row["has_children"],
                "left_out": left_out,
                "lead": row["lead_officer__name"] or "",
                "director": row["director__name"] or "",
                "member_lead": row["member_lead"],
                "start": row["start_text"],
                "due": row["due_text"],
                "due_date": row["due_date"],
                "status": status and status.pk,
                "previous_status": previous and previous.pk,
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
        Evidence.objects.filter(
            update__in=Update.objects.visible_to(policy.EVERYONE).filter(
                action__in=done_ids, month__lte=as_at
            )
        )
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

    # A committee's report has the measures assigned to it and the recommendations its
    # actions answer (plans.sources.answered_by); the whole plan's report has them all.
    measures = scorecard.snapshot(plan, as_at, committee=committee)
    measures_left_out = measures.pop("left_out")
    recommendations, recommendations_left_out = sources.snapshot(plan, as_at, committee=committee)
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
        "overall": found.overall_at(as_at).dump(),
        "priorities": [{"name": name, **b.dump()} for name, b in found.priorities_at(as_at)],
        "themes": [{"name": name, **b.dump()} for name, b in found.themes_at(as_at)],
        "trend": [{"month": month, **b.dump()} for month, b in found.trend(trend_months)],
        # The unchanged are given as a number.
        "movement": {key: moves[key] for key, _ in summary.MOVEMENTS if key != "unchanged"},
        "unchanged": len(moves["unchanged"]),
        "year": [
            {"name": name, "quarters": [{"month": m, **q[name].dump()} for m, q in quarters]}
            for name in found.themes
        ]
        if quarter_ends
        else [],
        "actions": listed,
        "measures": measures,
        "recommendations": recommendations,
        # What a committee's report leaves out of the plan's measures and recommendations.
        "scope": {
            "measures_left_out": measures_left_out,
            "recommendations_left_out": recommendations_left_out,
        }
        if committee
        else None,
        "words": words or {"fields": {}, "versions": {}},
    }
    # What is stored is exactly what was rendered: JSON in, JSON out.
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


# Presenting a snapshot.


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _or_list(words: Iterable[str]) -> str:
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def sentence(breakdown: summary.Breakdown, noun: str = "actions") -> str:
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


def left_out_sentence(breakdown: summary.Breakdown) -> str:
    parts = breakdown.left_out()
    return f"Not counted: {', '.join(parts)}." if parts else ""


@dataclass
class Group:
    name: str
    breakdown: summary.Breakdown
    commentary: str = ""

    @property
    def sentence(self) -> str:
        return sentence(self.breakdown)

    @property
    def not_counted(self) -> int:
        return self.breakdown.total - self.breakdown.counted


def _data_uri(svg: str | bytes) -> str:
    data = svg if isinstance(svg, bytes) else svg.encode()
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode()


def present(snapshot: Snapshot) -> dict[str, Any]:
    """Everything the report templates show, from a snapshot alone (no queries)."""
    statuses = [
        Status(pk=s["id"], **{f: s[f] for f in STATUS_FIELDS}) for s in snapshot["statuses"]
    ]
    by_id = {s.pk: s for s in statuses}
    as_at = datetime.date.fromisoformat(snapshot["as_at"])
    overall = summary.Breakdown.load(statuses, snapshot["overall"])
    trend = [(_date(t["month"]), summary.Breakdown.load(statuses, t)) for t in snapshot["trend"]]

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

    def with_status(pick: Callable[[Status], bool]) -> list[tuple[Status, list[dict]]]:
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
            "quarters": [
                (_date(q["month"]), summary.Breakdown.load(statuses, q)) for q in theme["quarters"]
            ],
            "completed": [a for a in done_now if a["theme"] == theme["name"]],
        }
        for theme in snapshot["year"]
    ]
    for theme in quarters:
        theme["sentence"] = sentence(theme["quarters"][-1][1]) if theme["quarters"] else ""

    movement = [
        (key, label, [by_ref[ref] for ref in snapshot["movement"].get(key, [])])
        for key, label in summary.MOVEMENTS
        if key in snapshot["movement"]
    ]
    words = wording.present(snapshot)

    def groups(kind: str, dumped: list[dict[str, Any]]) -> list[Group]:
        return [
            Group(
                g["name"],
                summary.Breakdown.load(statuses, g),
                words["text"].get(f"{kind}:{g['name']}", ""),
            )
            for g in dumped
        ]

    priorities = groups("priority", snapshot["priorities"])
    themes = groups("theme", snapshot["themes"])
    # Snapshots of schema 1, from before measures were tracked, have no measures section: a
    # published report's page must say what its PDF said.
    card = scorecard.present(snapshot["measures"]) if "measures" in snapshot else None
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
        # The movement table (plans/_movement_table.html), the unchanged given as a number.
        "movement_counts": [(label, len(moved)) for _, label, moved in movement]
        + [("Unchanged", snapshot["unchanged"])],
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
        "scope": _scope(snapshot, card),
        "words": words,
    }


def _scope(snapshot: Snapshot, card: scorecard.Scorecard | None) -> dict[str, str] | None:
    """What a committee's report covers and leaves out, in words: {"summary", "measures",
    "recommendations"}, or None for the whole plan's report and for a snapshot from before
    committee reports were scoped (schema 2), whose measures and recommendations were the
    whole plan's."""
    scope, committee = snapshot.get("scope"), snapshot["committee"]
    if not scope or card is None:
        return None
    measures = card.tracked
    recommendations = sum(len(s["recommendations"]) for s in snapshot["recommendations"])
    other_measures, other_recommendations = (
        scope["measures_left_out"],
        scope["recommendations_left_out"],
    )
    kept = (
        f"the {summary.plural(measures, 'measure')} assigned to it and the "
        f"{summary.plural(recommendations, 'recommendation')} its actions answer"
    )
    left = [
        summary.plural(count, noun)
        for count, noun in (
            (other_measures, "measure"),
            (other_recommendations, "recommendation"),
        )
        if count
    ]
    return {
        "summary": f"This report is for the {committee}. It covers the actions the committee "
        f"follows, {kept}, and "
        + (
            f"leaves out the plan’s other {' and '.join(left)}."
            if left
            else "leaves out none of the plan’s measures or recommendations."
        ),
        "measures": (
            f"These are the measures assigned to the {committee}"
            if measures
            else f"No measures are assigned to the {committee}"
        )
        + (
            f"; the plan’s other {summary.plural(other_measures, 'measure')} "
            f"{'is' if other_measures == 1 else 'are'} left out."
            if other_measures
            else "."
        ),
        "recommendations": (
            f"These are the recommendations the {committee}’s actions answer, each with all the "
            "actions answering it"
        )
        + (
            f"; the plan’s other {summary.plural(other_recommendations, 'recommendation')} "
            f"{'is' if other_recommendations == 1 else 'are'} left out."
            if other_recommendations
            else "."
        ),
    }


def _measure_chart(line: scorecard.Line, as_at: datetime.date) -> str:
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

    def __format__(self, spec: str) -> str:
        return str(self)


def _group_chart(groups: list[Group], noun: str, as_at: datetime.date) -> str:
    """The dashboard's stacked RAG bars, one bar per priority or theme instead of per month."""
    bars = [(_Name(group.name), group.breakdown) for group in groups]
    return _data_uri(charts.trend_chart(bars, f"Actions by RAG colour and {noun}, {as_at:%B %Y}"))


def _by_theme(actions: list[dict]) -> list[tuple[str, list[dict]]]:
    groups: list[tuple[str, list[dict]]] = []
    for action in actions:
        if not groups or groups[-1][0] != action["theme"]:
            groups.append((action["theme"], []))
        groups[-1][1].append(action)
    return groups
