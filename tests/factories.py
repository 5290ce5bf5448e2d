"""Small builders with fixed, readable values so a failure reproduces."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group

from plans.measures.values import save_value
from plans.models import (
    Action,
    Measure,
    MeasureTarget,
    Plan,
    Post,
    Recommendation,
    Source,
    Theme,
    Workstream,
)
from plans.updates import save_update
from plans.vocabulary import status_matcher
from tracker import policy, roles
from tracker.models import User


def user(username, role=None, posts=(), **extra):
    person = User.objects.create_user(
        username=username,
        password="correct-horse-battery",
        email=f"{username}@example.org",
        **extra,
    )
    if role:
        # get_or_create: a transactional test before this one may have flushed the groups the
        # data migration made.
        person.groups.add(Group.objects.get_or_create(name=role)[0])
    for name in posts:
        Post.objects.get_or_create(name=name)[0].holders.add(person)
    return person


def sign_in(client, person):
    """Sign `client` in as `person` with a password, as if their second factor (if they owe
    one, tracker/two_factor.py) had been given: the tests of other pages start there. The
    tests of two-factor itself sign in without this."""
    client.force_login(person)
    session = client.session
    session.pop(policy.SECOND_STEP_OWED, None)
    session.save()
    return client


def plan(name="Corporate Plan 2024-28", slug="corporate-plan"):
    made = Plan.objects.create(name=name, slug=slug, organisation="Example Borough Council")
    made.add_default_statuses()
    return made


def theme(plan, name="Community", sort_order=1):
    return Theme.objects.get_or_create(plan=plan, name=name, defaults={"sort_order": sort_order})[0]


def action(plan, ref, *, theme_name="Community", workstream="Engagement", lead=None, **fields):
    the_theme = theme(plan, theme_name)
    stream = Workstream.objects.get_or_create(theme=the_theme, name=workstream)[0]
    lead_post = Post.objects.get_or_create(name=lead)[0] if lead else None
    fields.setdefault("title", f"Action {ref}")
    return Action.objects.create(
        plan=plan, theme=the_theme, workstream=stream, ref=ref, lead_officer=lead_post, **fields
    )


def update(action, month, status_label, narrative="Progress as planned.", author=None, **extra):
    status = status_matcher(action.plan.statuses.all())(status_label)
    assert status is not None, status_label
    return save_update(
        action=action,
        month=datetime.date.fromisoformat(month + "-01") if isinstance(month, str) else month,
        status=status,
        narrative=narrative,
        author=author,
        **extra,
    )[0]


def measure(plan, name, *, owner=None, theme_name="Community", targets=None, values=None, **fields):
    """A measure under a theme, with `targets` and `values` ({"2024-01": "85", ...}, quarters
    by their first month); values are saved as imported, with the commentary "On course."."""
    fields.setdefault("direction", "higher")
    fields.setdefault("unit", "percentage")
    made = Measure.objects.create(
        plan=plan,
        name=name,
        theme=None if "priority" in fields else theme(plan, theme_name),
        owner=Post.objects.get_or_create(name=owner)[0] if owner else None,
        **fields,
    )
    for month, target in (targets or {}).items():
        MeasureTarget.objects.create(measure=made, period=_month(month), target=Decimal(target))
    for month, value in (values or {}).items():
        save_value(
            measure=made,
            period=_month(month),
            value=Decimal(value),
            commentary="On course.",
            imported=True,
        )
    return made


def measures_and_recommendations(plan, count, *, months=range(1, 13)):
    """`count` more monthly measures with a figure and a target for each of 2023's `months`,
    and as many recommendations in the plan's source, each answered by a complete action: the
    growth the query-count pins are checked against."""
    source = Source.objects.get(plan=plan)
    for number in range(count):
        measure(
            plan,
            f"Measure {number}",
            frequency="monthly",
            targets={f"2023-{m:02d}": "50" for m in months},
            values={f"2023-{m:02d}": str(40 + m) for m in months},
        )
        answering = action(plan, f"X.{number}.1")
        update(answering, "2024-01", "Complete")
        Recommendation.objects.create(source=source, number=100 + number, text="Do.").actions.add(
            answering
        )


def _month(text):
    return datetime.date.fromisoformat(text + "-01")


ROLE_USERS = {
    "admin": roles.ADMINISTRATOR,
    "clerk": roles.PERFORMANCE_OFFICER,
    "lead": roles.LEAD_OFFICER,
    "councillor": roles.COUNCILLOR,
}
