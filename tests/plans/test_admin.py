"""Administrators edit the plan in the admin; what councillors see follows at once."""

from django.urls import reverse

from plans.models import Plan
from tests import factories


def test_an_admin_edit_to_an_action_marks_the_plans_pages_stale(plan, client_for):
    action = factories.action(plan, "OC.A1.1", title="Old title")
    before = Plan.objects.get().data_version
    admin = client_for("admin")
    page = admin.get(reverse("admin:plans_action_change", args=[action.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data["title"] = "New title"
    answer = admin.post(reverse("admin:plans_action_change", args=[action.pk]), data)
    assert answer.status_code == 302, answer.context and answer.context["adminform"].form.errors
    assert Plan.objects.get().data_version > before
    action.refresh_from_db()
    assert action.title == "New title"


def test_renaming_a_post_marks_every_plan_stale(plan, client_for, people):
    other = factories.plan("Service Plan", "service-plan")
    before = {p.slug: p.data_version for p in Plan.objects.all()}
    post = factories.Post.objects.get(name="Head of HR")
    answer = client_for("admin").post(
        reverse("admin:plans_post_change", args=[post.pk]),
        {"name": "Head of People", "email": "", "holders": [people["lead"].pk]},
    )
    assert answer.status_code == 302
    after = {p.slug: p.data_version for p in Plan.objects.all()}
    assert all(after[slug] > before[slug] for slug in (plan.slug, other.slug))
