"""Every admin page works for an Administrator who is not a superuser, inlines included, and
gives nobody else anything: the admin asks the one policy, never Django's model permissions."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from plans import models as plans
from plans.measures.values import save_value
from reports.models import Meeting, Report
from tests import factories
from tracker import admin_site, two_factor
from tracker.models import SignInIdentity, User

# Records kept by the service's own pages or by the task queue: the admin shows them only.
READ_ONLY = {
    plans.Update,
    plans.Evidence,
    plans.Review,
    plans.Reminder,
    plans.Round,
    plans.MeasureValue,
    Report,
    DBTaskResult,
}
# Failed and successful sign-ins: shown, and deleted to lift a wait, never added.
NOT_ADDED = READ_ONLY | {AccessAttempt, AccessLog, AccessFailureLog}
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def world(people):
    """At least one row of every model the admin shows, and of every inline's model."""
    plan = factories.plan()
    plans.Priority.objects.create(plan=plan, name="Listening to residents")
    action = factories.action(plan, "CM.A1.1", lead="Head of HR")
    update = factories.update(action, "2024-01", "On track", "First words.", people["lead"])
    factories.update(action, "2024-01", "Medium progress", "Second words.", people["lead"])
    plans.Evidence.objects.create(update=update, link="https://example.org/minutes")
    plans.Review.objects.create(update=update, version=2, decision="approved", by=people["clerk"])
    month = datetime.date(2024, 2, 1)
    round_ = plans.Round.objects.create(plan=plan, month=month, due=month.replace(day=8))
    plans.Reminder.objects.create(round=round_, user=people["lead"], kind="opened")
    measure = factories.measure(
        plan, "Appraisals on time", frequency="monthly", targets={"2024-01": "90"}
    )
    save_value(measure=measure, period=month, value=80, commentary="Behind.")
    save_value(measure=measure, period=month, value=85, commentary="Catching up.")
    plans.Source.objects.create(plan=plan, name="Peer challenge").recommendations.create(
        number=1, text="Agree shared priorities."
    )
    committee = plans.Committee.objects.create(name="Audit Committee", slug="audit")
    Meeting.objects.create(committee=committee, date=month)
    Report.objects.create(plan=plan, kind="quarterly", period="2023-Q4", created_by=people["clerk"])
    visit = {"username": "mistyped", "ip_address": "192.0.2.1", "path_info": "/sign-in/"}
    AccessAttempt.objects.create(**visit, failures_since_start=1)
    AccessFailureLog.objects.create(**visit)
    AccessLog.objects.create(**visit)
    SignInIdentity.objects.create(
        user=User.objects.order_by("pk").first(), tenant="tenant-id", subject="object-id"
    )
    people["admin"].totpdevice_set.create(name="Authenticator app")
    two_factor.new_recovery_codes(people["admin"])
    DBTaskResult.objects.create(
        task_path="plans.tasks.send_due_reminders",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC),
    )
    return plan


def url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def test_every_admin_class_and_inline_asks_the_policy():
    classes = [type(model_admin) for model_admin in admin.site._registry.values()]
    classes += [inline for model_admin in classes for inline in model_admin.inlines]
    assert [c for c in classes if not issubclass(c, admin_site.PolicyAdmin)] == []


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_an_administrator_who_is_no_superuser_opens_every_admin_page(
    world, people, client_for, model
):
    administrator = people["admin"]
    assert not administrator.is_superuser and not administrator.is_staff
    client = client_for("admin")
    model_admin = admin.site._registry[model]
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the world has no {model._meta.label}"

    listed = client.get(url(model, "changelist"))
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == model._default_manager.count()
    added = client.get(url(model, "add"))
    assert added.status_code == (403 if model in NOT_ADDED else 200)

    page = client.get(url(model, "change", obj.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] == (model not in READ_ONLY)
    shown = {f.opts.model: f for f in page.context["inline_admin_formsets"]}
    for inline in model_admin.inlines:
        assert inline.model in shown, f"{inline.__name__} is missing"
        link = next(f for f in inline.model._meta.fields if f.related_model is model)
        rows = inline.model._default_manager.filter(**{link.name: obj})
        assert rows.exists(), f"the world has no {inline.model._meta.label} for {obj}"
        assert {form.instance.pk for form in shown[inline.model].formset.initial_forms} == set(
            rows.values_list("pk", flat=True)
        )
    if isinstance(model_admin, SimpleHistoryAdmin):
        history = client.get(url(model, "history", obj.pk))
        assert history.status_code == 200
        assert history.context["page_obj"].paginator.count == obj.history.count() > 0


def test_the_admin_shows_a_plans_statuses_and_an_updates_revisions(world, client_for):
    client = client_for("admin")
    plan = client.get(url(plans.Plan, "change", world.pk)).content.decode()
    assert all(f'value="{s.label}"' in plan for s in world.statuses.all())
    update = plans.Update.objects.get()
    revisions = client.get(url(plans.Update, "change", update.pk)).content.decode()
    assert "First words." in revisions and "Second words." in revisions
    entry = plans.MeasureValue.objects.get()
    figures = client.get(url(plans.MeasureValue, "change", entry.pk)).content.decode()
    assert "Behind." in figures and "Catching up." in figures


@pytest.mark.parametrize("role", ["clerk", "lead", "councillor"])
def test_other_roles_get_no_admin_page(world, client_for, role):
    client = client_for(role)
    answers = {"index": client.get(reverse("admin:index")).status_code}
    for model in REGISTERED:
        obj = model._default_manager.order_by("pk").first()
        for page, args in (("changelist", ()), ("add", ()), ("change", (obj.pk,))):
            answers[f"{model._meta.label} {page}"] = client.get(url(model, page, *args)).status_code
    assert set(answers.values()) == {403}, answers


def test_signed_out_visitors_are_sent_to_sign_in(world, client_for):
    for model in REGISTERED:
        answer = client_for("anonymous").get(url(model, "changelist"))
        assert answer.status_code == 302
        assert answer["Location"].startswith((reverse("login"), reverse("admin:login")))
