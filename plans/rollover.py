"""A new year: a plan's open actions carried into a new plan for the next financial year.

The new plan is a plan of its own ("Improvement Plan 2024/25"), linked both ways
(Plan.previous, Plan.next), so the old year keeps its updates, rounds, figures, reports and
history untouched, and the new year starts with no updates. It carries the plan's settings,
status vocabulary, priorities, themes and workstreams; the open actions with their refs,
titles, posts, committees, member leads and focus (parent) actions; and every measure's
definition, but no figures or targets, which belong to the old year's periods.

An action is open when its latest published status does not count as done (Complete,
Closed). A focus action that shows its sub-actions' roll-up is open when one of them is; a
focus action is carried whenever one of its sub-actions is, so the structure stays whole.

The web pages (plans/views/rollover.py) and `manage.py roll_plan` both call `preview`, then
`roll`. Rolling a plan a second time is refused: it names the plan it continues in.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction

from plans import dates, summary, versions
from plans.models import Action, Measure, Plan, Priority, Status, Theme, Workstream

# Plan settings the new year keeps.
SETTINGS = (
    "organisation",
    "count_parent_actions",
    "parents_rate_themselves",
    "updates_need_sign_off",
    "header_synonyms",
    "measure_header_synonyms",
)
STATUS_FIELDS = (
    "label",
    "code",
    "rag",
    "definition",
    "leadership_action",
    "needs_evidence",
    "not_started",
    "counts_as_done",
    "asked",
    "counted",
    "max_slippage_months",
    "sort_order",
    "synonyms",
)
ACTION_FIELDS = (
    "ref",
    "title",
    "description",
    "director_id",
    "lead_officer_id",
    "member_lead",
    "update_owner_id",
    "start_text",
    "due_text",
    "risk",
    "outcome",
    "source",
    "statutory",
    "contract",
    "efficiency",
    "support_function",
    "sort_order",
)
MEASURE_FIELDS = (
    "name",
    "description",
    "owner_id",
    "unit",
    "direction",
    "frequency",
    "baseline",
    "baseline_when",
    "tolerance",
    "sort_order",
)
_WRITTEN_YEAR = re.compile(r"(?<![0-9])\d{4}\s*[/\-–]\s*(?:\d{4}|\d{2})(?![0-9])")
_SLUG_YEAR = re.compile(r"-\d{4}(?:-\d{2,4})?$")


@dataclass
class Preview:
    plan: Plan
    year: int
    name: str
    slug: str
    carried: list = field(default_factory=list)  # actions, each with .latest_status
    left: list = field(default_factory=list)  # actions, each with .latest_status
    measures: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def year_label(self):
        return dates.year_label(self.year)

    @property
    def start(self):
        return dates.year_start(self.year)

    @property
    def end(self):
        return datetime.date(self.year + 1, dates.FINANCIAL_YEAR_START, 1) - datetime.timedelta(1)


def first_year(plan):
    """The financial year the plan starts in, or None when it has no start date."""
    return dates.financial_year(plan.start) if plan.start else None


def default_year(plan, today):
    """The year a plan rolls into unless told: the one after the plan's first year ("2023/24"
    goes into 2024/25, even when rolled late), or this financial year for a plan without a
    start date."""
    start = first_year(plan)
    return start + 1 if start is not None else dates.financial_year(today)


def default_name(plan, year):
    """The plan's name with its year replaced ("Improvement Plan 2023-24" -> "Improvement Plan
    2024/25"), or with the year added when it names none."""
    label = dates.year_label(year)
    if dates.financial_year_in_text(plan.name) is not None:
        return _WRITTEN_YEAR.sub(label, plan.name, count=1)
    return f"{plan.name} {label}"


def default_slug(plan, year):
    return f"{_SLUG_YEAR.sub('', plan.slug)}-{year}-{(year + 1) % 100:02d}"


def preview(plan, *, year, name=None, slug=None):
    """What rolling `plan` into the financial year starting in `year` would do, and any
    problem that stops it (already rolled, a year not after the plan's, a name or short name
    taken)."""
    name = (name or "").strip() or default_name(plan, year)
    slug = (slug or "").strip() or default_slug(plan, year)
    found = Preview(plan=plan, year=year, name=name, slug=slug)
    following = Plan.objects.filter(previous=plan).first()
    if following is not None:
        found.problems.append(
            f"{plan.name} has already been carried into {following.name} "
            f"(/plans/{following.slug}/): a plan rolls into a new year once."
        )
    start = first_year(plan)
    if start is not None and year <= start:
        found.problems.append(
            f"{dates.year_label(year)} is not after {plan.name}'s first year "
            f"({dates.year_label(start)}): choose a later year."
        )
    if Plan.objects.filter(slug=slug).exists():
        found.problems.append(f"The short name “{slug}” is taken by another plan: choose another.")
    if Plan.objects.filter(name=name).exists():
        found.problems.append(f"A plan is already named “{name}”: choose another name.")
    found.carried, found.left = _split(plan)
    found.measures = list(plan.measures.select_related("owner", "priority", "theme"))
    return found


def _split(plan):
    """(carried, left): the plan's actions in plan order, each with its latest published
    status as .latest_status."""
    statuses = {s.pk: s for s in plan.statuses.all()}
    actions = list(
        summary.for_tracker(Action.objects.filter(plan=plan))
        .select_related("lead_officer", "parent")
        .order_by(*summary.PLAN_ORDER)
    )
    children = {}
    for action in actions:
        action.latest_status = statuses.get(action.latest_status_id)
        action.shows_children = action.has_children and not plan.parents_rate_themselves
        children.setdefault(action.parent_id, []).append(action)

    def is_open(action):
        if action.shows_children:
            return any(is_open(child) for child in children[action.pk])
        return action.latest_status is None or not action.latest_status.counts_as_done

    carried = {action.pk for action in actions if is_open(action)}
    by_id = {action.pk: action for action in actions}
    for pk in list(carried):  # a focus action goes with its sub-actions
        parent = by_id[pk].parent_id
        while parent is not None and parent not in carried:
            carried.add(parent)
            parent = by_id[parent].parent_id
    return (
        [a for a in actions if a.pk in carried],
        [a for a in actions if a.pk not in carried],
    )


@transaction.atomic
def roll(found, *, by):
    """Make the new plan `found` (a Preview) describes, all or nothing, and return it. Each
    carried action's history begins "Created" by `by`, with the reason naming the old plan.
    Refuses (ValueError) when the preview names a problem, checked again inside the
    transaction."""
    plan = Plan.objects.select_for_update().get(pk=found.plan.pk)
    found = preview(plan, year=found.year, name=found.name, slug=found.slug)
    if found.problems:
        raise ValueError(" ".join(found.problems))
    new = Plan(
        name=found.name,
        slug=found.slug,
        start=found.start,
        end=found.end,
        previous=plan,
        **{name: getattr(plan, name) for name in SETTINGS},
    )
    new.full_clean()
    new.save()
    Status.objects.bulk_create(
        Status(plan=new, **{name: getattr(s, name) for name in STATUS_FIELDS})
        for s in plan.statuses.filter(not_given=False)
    )
    priorities = {
        p.pk: Priority.objects.create(plan=new, name=p.name, sort_order=p.sort_order)
        for p in plan.priorities.all()
    }
    themes, workstreams = {}, {}
    for theme in plan.themes.all():
        themes[theme.pk] = Theme.objects.create(
            plan=new,
            name=theme.name,
            priority=priorities.get(theme.priority_id),
            sort_order=theme.sort_order,
        )
        for stream in theme.workstreams.all():
            workstreams[stream.pk] = Workstream.objects.create(
                theme=themes[theme.pk], name=stream.name, sort_order=stream.sort_order
            )
    _carry_actions(found.carried, new, themes, workstreams, priorities, by)
    for measure in found.measures:
        copy = Measure.objects.create(
            plan=new,
            priority=priorities.get(measure.priority_id),
            theme=themes.get(measure.theme_id),
            **{name: getattr(measure, name) for name in MEASURE_FIELDS},
        )
        copy.committees.set(measure.committees.all())
    versions.plan_changed(plan.pk)  # its page now says where it continues
    return new


def _carry_actions(actions, new, themes, workstreams, priorities, by):
    made = {}
    pending = list(actions)
    while pending:  # focus actions before their sub-actions
        ready = [a for a in pending if a.parent_id is None or a.parent_id in made]
        for action in ready:
            copy = Action(
                plan=new,
                theme=themes[action.theme_id],
                workstream=workstreams.get(action.workstream_id),
                parent=made.get(action.parent_id),
                **{name: getattr(action, name) for name in ACTION_FIELDS},
            )
            copy._history_user = by  # type: ignore[attr-defined]  # simple-history reads it
            copy._change_reason = f"Carried on from {new.previous.name}"  # type: ignore[attr-defined]
            copy.save()
            copy.other_leads.set(action.other_leads.all())
            copy.committees.set(action.committees.all())
            copy.priorities.set([priorities[p.pk] for p in action.priorities.all()])
            made[action.pk] = copy
        pending = [a for a in pending if a.pk not in made]
