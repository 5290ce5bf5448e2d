import datetime
import io

import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from plans.models import Action, Plan, Update, UpdateRevision
from tests import factories
from tracker.models import User


def test_seed_demo_builds_the_plan_and_running_it_twice_changes_nothing(db):
    call_command("seed_demo")
    counts = (
        Plan.objects.count(),
        Action.objects.count(),
        Update.objects.count(),
        UpdateRevision.objects.count(),
        User.objects.count(),
    )
    call_command("seed_demo")
    assert (
        Plan.objects.count(),
        Action.objects.count(),
        Update.objects.count(),
        UpdateRevision.objects.count(),
        User.objects.count(),
    ) == counts
    assert counts[:2] == (1, 22)
    a21 = Action.objects.get(ref="OC.A2.1")
    assert (a21.start_text, a21.due_text, a21.parent.ref) == ("Dec-22", "Mar-24", "OC.A2.0")
    assert list(a21.updates.order_by("month").values_list("status__label", flat=True)) == [
        "Medium progress",
        "Medium progress",
    ]


def test_each_demo_user_signs_in_and_sees_what_their_role_allows(db, settings):
    from plans.management.commands.seed_demo import DEMO_PASSWORD

    settings.TWO_FACTOR_REQUIRED = False  # as `make run` has it: the demo's staff have no app
    call_command("seed_demo")
    seen = {}
    for username in ("admin", "clerk", "lead", "councillor"):
        client = Client()
        signed_in = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302, username
        seen[username] = (
            "Your actions" in client.get(reverse("home")).content.decode(),
            client.get(reverse("admin:index")).status_code,
        )
    assert seen == {
        "admin": (False, 200),
        "clerk": (False, 403),
        "lead": (True, 403),
        "councillor": (False, 403),
    }


def test_the_demo_administrator_is_no_superuser_and_sees_the_plans_statuses_in_the_admin(db):
    call_command("seed_demo")
    admin = User.objects.get(username="admin")
    assert (admin.is_superuser, admin.is_staff) == (False, False)
    client = Client()
    factories.sign_in(client, admin)
    plan = Plan.objects.get()
    page = client.get(reverse("admin:plans_plan_change", args=[plan.pk])).content.decode()
    assert all(f'value="{s.label}"' in page for s in plan.statuses.all())


def test_the_demo_officers_update_is_signed_in_its_month_whenever_the_demo_is_loaded(db):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0), tick=False):
        call_command("seed_demo", stdout=io.StringIO())
    update = Update.objects.get(action__ref="OC.A2.4", month=datetime.date(2024, 2, 1))
    assert update.signature == "DS 20.02.24"
    assert update.updated_at.date() == datetime.date(2024, 2, 20)
