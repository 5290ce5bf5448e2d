"""Build the demo plan (with its measures and a peer challenge) and one user per role. Running
it again changes nothing."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from plans.measures import rating
from plans.measures.values import save_value
from plans.models import (
    Action,
    Committee,
    Measure,
    MeasureTarget,
    MeasureValue,
    Plan,
    Post,
    Priority,
    Round,
    Source,
    Theme,
    Update,
    Workstream,
)
from plans.updates import save_update
from plans.vocabulary import parent_ref, status_matcher
from tracker import roles
from tracker.models import User

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo-plan.json"
MEASURES = Path(settings.BASE_DIR) / "fixtures" / "demo-measures.json"
DEMO_PASSWORD = "demo-tracker-2024"

USERS = [
    # username, first, last, role, posts held
    ("admin", "Ada", "Admin", roles.ADMINISTRATOR, []),
    ("clerk", "Chris", "Clerk", roles.PERFORMANCE_OFFICER, []),
    ("lead", "Dana", "Smith", roles.LEAD_OFFICER, ["Head of HR"]),
    ("councillor", "Cllr Sam", "Jones", roles.COUNCILLOR, []),
]


class Command(BaseCommand):
    help = (
        "Create the demo plan (from fixtures/demo-plan.json and demo-measures.json) and the "
        "demo users."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        users = {name: self.user(name, *rest) for name, *rest in USERS}
        data = json.loads(FIXTURE.read_text())
        plan = self.plan(data)
        self.committees(plan, users)
        match = status_matcher(plan.statuses.all())
        for entry in data["demo_updates"]:
            action = plan.actions.get(ref=entry["ref"])
            month = datetime.date.fromisoformat(entry["month"] + "-01")
            if not Update.objects.filter(action=action, month=month).exists():
                save_update(
                    action=action,
                    month=month,
                    status=match(entry["status"]),
                    narrative=entry["narrative"],
                    author=users[entry["by"]],
                    # Written in the month's round, signed with that day ("DS 20.02.24"),
                    # not with the day the demo happens to be loaded.
                    when=timezone.make_aware(datetime.datetime(month.year, month.month, 20, 10)),
                )
        Round.objects.get_or_create(
            plan=plan,
            month=datetime.date(2024, 2, 1),
            defaults={"due": datetime.date(2024, 3, 8), "opened_by": users["clerk"]},
        )
        self.measures_and_sources(plan, users, json.loads(MEASURES.read_text()))
        self.stdout.write(
            f"Demo plan '{plan.name}' at /plans/{plan.slug}/ with {plan.actions.count()} actions. "
            f"Users: {', '.join(users)} (password {DEMO_PASSWORD})."
        )

    def user(self, username, first, last, role, posts):
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            # No superuser or staff flag, even for the administrator: the role is what counts.
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        for name in posts:
            Post.objects.get_or_create(name=name)[0].holders.add(user)
        return user

    def plan(self, data):
        plan, created = Plan.objects.get_or_create(
            slug=data["plan"]["slug"],
            defaults={key: value for key, value in data["plan"].items() if key != "slug"},
        )
        if created:
            plan.add_default_statuses()
        match = status_matcher(plan.statuses.all())
        extra = {label: match(target) for label, target in data["status_map"].items()}
        posts = {}

        def post(name):
            if not name:
                return None
            if name not in posts:
                posts[name] = Post.objects.get_or_create(name=name)[0]
            return posts[name]

        position = 0
        for theme_order, theme_data in enumerate(data["themes"], start=1):
            theme, _ = Theme.objects.get_or_create(
                plan=plan, name=theme_data["name"], defaults={"sort_order": theme_order}
            )
            for row in theme_data["actions"]:
                position += 1
                workstream, _ = Workstream.objects.get_or_create(
                    theme=theme, name=row["workstream"]
                )
                parent = None
                if ref := parent_ref(row["ref"]):
                    parent = Action.objects.filter(plan=plan, ref=ref).first()
                action, created = Action.objects.get_or_create(
                    plan=plan,
                    ref=row["ref"],
                    defaults={
                        "theme": theme,
                        "workstream": workstream,
                        "parent": parent,
                        "title": row["title"],
                        "director": post(row["director"]),
                        "member_lead": row["member_lead"],
                        "lead_officer": post(row["other_leads"]),
                        "update_owner": post(row["update_owner"]),
                        "start_text": row["start"],
                        "due_text": row["due"],
                        "risk": row["risk"],
                        "sort_order": position,
                    },
                )
                if not created:
                    continue
                for entry in row["updates"]:
                    status = extra.get(entry["status"]) or match(entry["status"])
                    month = datetime.date.fromisoformat(entry["month"] + "-01")
                    save_update(
                        action=action,
                        month=month,
                        status=status,
                        narrative=entry["narrative"],
                        imported=True,
                        when=timezone.make_aware(datetime.datetime(month.year, month.month, 20)),
                    )
        return plan

    def measures_and_sources(self, plan, users, data):
        """The priorities actions serve, measures with their targets and figures, and the
        peer challenge whose recommendations the actions answer. Only what is missing is
        added, so a second run changes nothing."""
        actions = {action.ref: action for action in plan.actions.all()}
        priorities = {}
        for position, item in enumerate(data["priorities"], start=1):
            priority = Priority.objects.get_or_create(
                plan=plan, name=item["name"], defaults={"sort_order": position}
            )[0]
            priorities[item["name"]] = priority
            Theme.objects.filter(
                plan=plan, name__in=item.get("themes", []), priority__isnull=True
            ).update(priority=priority)
            priority.served_by.add(*(actions[ref] for ref in item.get("serves", [])))
        for position, item in enumerate(data["measures"], start=1):
            fields = {
                key: item[key]
                for key in ("description", "unit", "direction", "frequency", "baseline_when")
                if key in item
            }
            for key in ("baseline", "tolerance"):
                if key in item:
                    fields[key] = Decimal(item[key])
            measure, _ = Measure.objects.get_or_create(
                plan=plan,
                name=item["name"],
                defaults={
                    **fields,
                    "priority": priorities[item["priority"]],
                    "owner": Post.objects.get_or_create(name=item["owner"])[0],
                    "sort_order": position,
                },
            )
            # A committee the fixture names but the demo lacks is an error, not skipped.
            measure.committees.add(
                *(Committee.objects.get(slug=slug) for slug in item.get("committees", []))
            )
            for month, target in item["targets"].items():
                MeasureTarget.objects.get_or_create(
                    measure=measure, period=_month(month), defaults={"target": Decimal(target)}
                )
            for entry in item["values"]:
                period = _month(entry["period"])
                if MeasureValue.objects.filter(measure=measure, period=period).exists():
                    continue
                end = rating.period_end(period, measure.frequency)
                save_value(
                    measure=measure,
                    period=period,
                    value=Decimal(entry["value"]),
                    commentary=entry["commentary"],
                    author=users.get(entry.get("by")),
                    imported="by" not in entry,
                    when=timezone.make_aware(datetime.datetime(end.year, end.month, 28, 10)),
                )
        for position, item in enumerate(data["sources"], start=1):
            source, _ = Source.objects.get_or_create(
                plan=plan,
                name=item["name"],
                defaults={"description": item["description"], "sort_order": position},
            )
            for order, (number, area, text, refs) in enumerate(item["recommendations"]):
                recommendation, _ = source.recommendations.get_or_create(
                    number=number, defaults={"area": area, "text": text, "sort_order": order}
                )
                recommendation.actions.add(*(actions[ref] for ref in refs))

    def committees(self, plan, users):
        committee, _ = Committee.objects.get_or_create(
            slug="corporate-policy-and-resources",
            defaults={"name": "Corporate Policy and Resources Committee"},
        )
        if committee.chair is None:
            committee.chair = users["councillor"]
            committee.save()
        committee.members.add(users["councillor"])
        committee.actions.add(*plan.actions.filter(ref__startswith="OC.G"))
        committee.actions.add(*plan.actions.filter(ref__startswith="OC.C"))


def _month(text):
    return datetime.date.fromisoformat(text + "-01")
