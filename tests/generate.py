"""A large, realistic plan built quickly with bulk_create, for query-count tests and benchmarks.

    from tests.generate import build_plan
    plan = build_plan(actions=500, months=24)

Fixed shape, seeded choices: the same arguments always build the same plan. Every fifth action
is a focus (parent) action with four sub-actions beneath it; sub-actions get one update a
month, with a mix of statuses like a real tracker's; the last month is only 70% updated and has
an open round, so "missing this month" means something.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from plans import dates, versions
from plans.models import (
    Action,
    Committee,
    Plan,
    Post,
    Priority,
    Round,
    StatusMonth,
    Theme,
    Update,
    UpdateRevision,
    Workstream,
)

THEMES = ["Community", "Housing", "Resilience", "Environment", "Services"]
WORKSTREAMS = ["Strategy", "Delivery", "People", "Assurance"]
PRIORITIES = ["Listening to residents", "Homes and places", "A well-run council"]
POSTS = [f"Head of Service {n}" for n in range(1, 21)]
COMMITTEES = ["Audit Committee", "Overview and Scrutiny", "Corporate Resources"]
# (status label, weight): most actions are on track, a few are in trouble.
MIX = [
    ("On track", 50),
    ("Medium progress", 20),
    ("Significant issues / slippage", 8),
    ("Not due to start", 7),
    ("Complete", 10),
    ("N/A", 3),
    ("On hold", 2),
]
NARRATIVE = (
    "Work continues with partners; the project board met this month and agreed the next "
    "steps. Some slippage on procurement is being managed. {ref} {month:%b %Y}."
)


@transaction.atomic
def build_plan(actions=500, months=24, *, slug="bench-plan", last=datetime.date(2024, 12, 1)):
    """A plan of `actions` actions with updates for the `months` months ending at `last`."""
    rng = random.Random(f"{slug}-{actions}-{months}")
    plan = Plan.objects.create(
        name=f"Benchmark plan ({actions} actions)", slug=slug, organisation="Bench Council"
    )
    plan.add_default_statuses()
    statuses = {s.label: s for s in plan.statuses.all()}
    priorities = Priority.objects.bulk_create(
        Priority(plan=plan, name=name, sort_order=n) for n, name in enumerate(PRIORITIES)
    )
    themes = Theme.objects.bulk_create(
        Theme(plan=plan, name=name, sort_order=n, priority=priorities[n % len(priorities)])
        for n, name in enumerate(THEMES)
    )
    streams = Workstream.objects.bulk_create(
        Workstream(theme=theme, name=name, sort_order=n)
        for theme in themes
        for n, name in enumerate(WORKSTREAMS)
    )
    Post.objects.bulk_create([Post(name=name) for name in POSTS], ignore_conflicts=True)
    posts = list(Post.objects.filter(name__in=POSTS))
    committees = Committee.objects.bulk_create(
        [
            Committee(name=f"{name} ({slug})", slug=f"{slug}-{n}")
            for n, name in enumerate(COMMITTEES)
        ]
    )

    parents, children = _actions(plan, actions, streams, posts, rng)
    bulk_create_with_history(parents, Action, batch_size=1000)
    parents = list(Action.objects.filter(plan=plan).order_by("sort_order"))
    by_family = {p.ref.rsplit(".", 1)[0]: p for p in parents}
    for child in children:
        child.parent = by_family[child.ref.rsplit(".", 1)[0]]
    bulk_create_with_history(children, Action, batch_size=1000)
    children = list(Action.objects.filter(plan=plan, parent__isnull=False).order_by("sort_order"))

    Through = Action.committees.through
    Through.objects.bulk_create(
        Through(action_id=a.pk, committee_id=committees[n % len(committees)].pk)
        for n, a in enumerate([*parents, *children])
    )
    _updates(children, statuses, months, last, rng)
    StatusMonth.objects.rebuild(Action.objects.filter(plan=plan))  # bulk_create skips save_update
    Round.objects.create(plan=plan, month=last, due=last + datetime.timedelta(days=40))
    versions.plan_changed(plan.pk)
    plan.refresh_from_db()
    return plan


def _actions(plan, count, streams, posts, rng):
    """Unsaved actions: focus actions, and their sub-actions (parent set after saving)."""
    parents, children = [], []
    for n in range(count):
        family, position = divmod(n, 5)
        stream = streams[family % len(streams)]
        theme = stream.theme
        ref = f"{theme.name[:2].upper()}.{stream.sort_order + 1}.{family + 1}.{position}"
        due = dates.add_months(datetime.date(2023, 1, 1), rng.randrange(36))
        due_text = rng.choice([f"{due:%b-%y}", f"{due:%B %Y}", "TBC", "Ongoing"])
        start_text = f"{dates.add_months(due, -12):%b-%y}"
        action = Action(
            plan=plan,
            theme=theme,
            workstream=stream,
            ref=ref,
            title=f"Deliver {stream.name.lower()} improvement {family + 1}.{position} "
            f"for {theme.name.lower()}",
            description="Agree the approach, deliver it with partners and report the outcome.",
            director=posts[family % 5],
            lead_officer=posts[5 + n % 15],
            member_lead=f"Cabinet Member for {theme.name}",
            start_text=start_text,
            due_text=due_text,
            risk="Focus 1" if position == 0 else "",
            sort_order=n,
        )
        action.derive_dates()  # bulk_create does not call save()
        (parents if position == 0 else children).append(action)
    return parents, children


def _updates(actions, statuses, months, last, rng):
    """One update a month for each action (70% of them in the last month), with a revision."""
    labels = [label for label, _ in MIX]
    weights = [weight for _, weight in MIX]
    updates = []
    for month in [dates.add_months(last, -n) for n in range(months - 1, -1, -1)]:
        when = timezone.make_aware(datetime.datetime(month.year, month.month, 20, 10))
        for action in actions:
            if month == last and rng.random() > 0.7:
                continue
            status = statuses[rng.choices(labels, weights)[0]]
            updates.append(
                Update(
                    action=action,
                    month=month,
                    status=status,
                    narrative=NARRATIVE.format(ref=action.ref, month=month),
                    imported=True,
                    updated_at=when,
                )
            )
    Update.objects.bulk_create(updates, batch_size=2000)
    UpdateRevision.objects.bulk_create(
        (
            UpdateRevision(
                update=u,
                version=1,
                status=u.status,
                narrative=u.narrative,
                imported=True,
                saved_at=u.updated_at,
            )
            for u in updates
        ),
        batch_size=2000,
    )
