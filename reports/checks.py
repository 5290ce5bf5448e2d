"""What a report is still missing, checked before it is built and before it is published,
in the GOV.UK "check your answers" way: each gap says what is missing and links to where to
put it right. Nothing here stops a build; publishing asks for confirmation with the gaps shown.

The checks read live data (not a report's snapshot), so a draft's page says what has been put
right since it was built:

- the update round still open for a month the report covers (or none run for its last month);
- updates missing for the period's last month, by the officer who owes them (plans.owing.owed,
  the answer the chase list and reminders give);
- updates written in the period still awaiting sign-off, so the report shows an older one;
- measures without a figure for a period ending in the report's period;
- commentary fields left empty (`empty_commentary`).

A committee's report checks only that committee's actions.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from plans import owing
from plans.measures import rating
from plans.models import Measure, MeasureValue, Round, Update
from reports import wording
from reports.compose import present


@dataclass
class Gap:
    """One thing missing: `name` (the officer, update or measure), `detail` in words, and a
    link (`url`, `link`) to where it is put right. `actions` are (ref and title, url) pairs,
    for the updates an officer owes."""

    name: str
    detail: str
    url: str
    link: str
    actions: list = field(default_factory=list)


@dataclass
class Check:
    key: str
    title: str
    gaps: list[Gap]

    @property
    def count(self):
        """How many things are missing: an officer's gap counts each update they owe."""
        return sum(len(gap.actions) or 1 for gap in self.gaps)


def missing(*, plan, period, committee=None, report=None) -> list[Check]:
    """The checks that found something missing for `plan`'s report on `period` (only
    `committee`'s actions, when given), in the order a clerk puts them right. With `report`, a
    draft, its empty commentary too. An empty list when nothing is missing."""
    as_at = period.last_month
    actions = None if committee is None else set(committee.actions.values_list("pk", flat=True))
    found = [
        Check("round", "Update rounds", _rounds(plan, period)),
        Check("updates", "Updates missing", _owed(plan, as_at, actions)),
        Check("sign-off", "Updates awaiting sign-off", _awaiting(plan, period, actions)),
        Check("measures", "Measures without a figure", _measures(plan, period, committee)),
        Check("commentary", "Commentary not written", empty_commentary(report) if report else []),
    ]
    return [check for check in found if check.gaps]


def for_report(report) -> list[Check]:
    return missing(
        plan=report.plan, period=report.period_obj, committee=report.committee, report=report
    )


def count(checks):
    return sum(check.count for check in checks)


def _rounds(plan, period):
    as_at = period.last_month
    gaps = []
    current = Round.objects.filter(plan=plan, month__lte=as_at).open().first()
    if current is not None:
        gaps.append(
            Gap(
                f"The {current.month:%B %Y} round",
                f"Still open: updates are due by {current.due:%-d %B %Y}, and any written "
                "after the report is built are not in it.",
                current.get_absolute_url(),
                "See the round",
            )
        )
    if not Round.objects.filter(plan=plan, month=as_at).exists():
        gaps.append(
            Gap(
                f"The {as_at:%B %Y} round",
                f"No update round was run for {as_at:%B %Y}, the last month of "
                f"{period.name}: each action's status is its latest earlier update.",
                reverse("plans:rounds", args=[plan.slug]),
                "See the rounds",
            )
        )
    return gaps


def _owed(plan, as_at, actions):
    """Who owes an update for `as_at`, as the round for that month counts them (a month
    without a round counts the same way)."""
    round_ = Round.objects.filter(plan=plan, month=as_at).first()
    chase = None
    if round_ is None:
        round_ = Round(plan=plan, month=as_at, due=as_at)
    else:
        chase = reverse("plans:chase", args=[plan.slug, as_at.year, as_at.month])
    gaps = []
    for owner in owing.owed(round_):
        owed = [a for a in owner.actions if actions is None or a.pk in actions]
        if not owed:
            continue
        if owner.person is not None:
            name = str(owner.person)
        elif owner.post is not None:
            name = f"Nobody holds the post {owner.post.name}"
        else:
            name = "No lead officer"
        count = len(owed)
        gaps.append(
            Gap(
                name,
                f"{count} update{'' if count == 1 else 's'} for {as_at:%B %Y} not written",
                chase or owed[0].update_url(as_at),
                "Chase" if chase else "Write the update",
                actions=[(f"{a.ref} {a.title}", a.update_url(as_at)) for a in owed],
            )
        )
    return gaps


def _awaiting(plan, period, actions):
    """Updates for months of `period` written but not signed off: the report leaves them
    out, showing the action's latest signed-off update instead."""
    updates = (
        Update.objects.filter(
            action__plan=plan,
            month__gte=period.months[0],
            month__lte=period.last_month,
            approval=Update.Approval.SUBMITTED,
        )
        .select_related("action", "author")
        .order_by("action__sort_order", "action__ref", "month")
    )
    if actions is not None:
        updates = updates.filter(action__in=actions)
    gaps = []
    for update in updates:
        action = update.action
        by = f" by {update.author}" if update.author else ""
        gaps.append(
            Gap(
                f"{action.ref} {update.month:%B %Y}",
                f"Written{by}, awaiting sign-off: the report shows the last signed-off update.",
                reverse(
                    "plans:review",
                    args=[plan.slug, action.ref, update.month.year, update.month.month],
                ),
                "Sign it off",
            )
        )
    return gaps


def measures_in_scope(plan, committee):
    """The measures a report on `plan` (for `committee`) carries, as reports.compose does."""
    measures = Measure.objects.filter(plan=plan)
    return measures if committee is None else measures.assigned_to(committee)


def _measures(plan, period, committee):
    """Measures missing a figure for any of their periods that end within `period`."""
    found = list(measures_in_scope(plan, committee).order_by("sort_order", "name"))
    have = set(
        MeasureValue.objects.filter(measure__in=found, period__lte=period.last_month).values_list(
            "measure_id", "period"
        )
    )
    gaps = []
    for measure in found:
        due = [
            start
            for start in period.months
            if rating.is_period_start(start, measure.frequency)
            and rating.period_end(start, measure.frequency) <= period.last_month
        ]
        absent = [start for start in due if (measure.pk, start) not in have]
        if not absent:
            continue
        first = absent[0]
        gaps.append(
            Gap(
                measure.name,
                "No figure for "
                + ", ".join(measure.period_label(start, long=True) for start in absent),
                reverse(
                    "plans:measure_value", args=[plan.slug, measure.pk, first.year, first.month]
                ),
                "Add the figure",
            )
        )
    return gaps


def empty_commentary(report) -> list[Gap]:
    """The report's commentary fields left empty (and its cover sheet's, when it has a cover
    report), each a Gap linking to where it is written."""
    words = wording.current(report)
    fields = wording.commentary_fields(present(report.snapshot)) if report.snapshot else []
    empty = [
        f
        for f in fields or [wording.SUMMARY, wording.RECOMMENDATIONS]
        if not wording.said(words, f.key)
    ]
    places = [("reports:commentary", field) for field in empty]
    if wording.has_cover(words):
        places += [("reports:cover", f) for f in wording.COVER if not wording.said(words, f.key)]
    return [
        Gap(
            field.label,
            "Not written yet.",
            f"{reverse(page, args=[report.pk])}#{wording.anchor(field)}",
            f"Write “{field.label}”",
        )
        for page, field in places
    ]
