"""Small builders with fixed, readable values so a failure reproduces."""

import datetime

from django.contrib.auth.models import Group

from plans.models import Action, Plan, Post, Theme, Workstream
from plans.updates import save_update
from plans.vocabulary import status_matcher
from tracker import roles
from tracker.models import User


def user(username, role=None, posts=(), **extra):
    person = User.objects.create_user(
        username=username,
        password="correct-horse-battery",
        email=f"{username}@example.org",
        **extra,
    )
    if role:
        person.groups.add(Group.objects.get(name=role))
    for name in posts:
        Post.objects.get_or_create(name=name)[0].holders.add(person)
    return person


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


ROLE_USERS = {
    "admin": roles.ADMINISTRATOR,
    "clerk": roles.PERFORMANCE_OFFICER,
    "lead": roles.LEAD_OFFICER,
    "councillor": roles.COUNCILLOR,
}
