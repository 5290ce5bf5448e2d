"""Changes to an action's own fields (title, dates, owners) are recorded with who, when, and the
old and new values, by django-simple-history; other leads too."""

from django.urls import reverse

from plans.models import Post
from tests import factories


def test_title_due_date_and_owners_are_recorded_with_who_and_the_old_value(plan, people):
    action = factories.action(plan, "OC.A2.1", lead="Head of HR", due_text="Mar-24")
    action.title = "Workforce Strategy approved by Cabinet"
    action.due_text = "Jun-24"
    action.lead_officer = Post.objects.get_or_create(name="Head of Finance")[0]
    action._history_user = people["admin"]
    action.save()
    latest, first = action.history.all()[:2]
    assert latest.history_user == people["admin"]
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(first).changes}
    assert changes["title"] == ("Action OC.A2.1", "Workforce Strategy approved by Cabinet")
    assert changes["due_text"] == ("Mar-24", "Jun-24")
    assert (str(first.due_date), str(latest.due_date)) == ("2024-03-01", "2024-06-01")
    assert changes["lead_officer"][1] == Post.objects.get(name="Head of Finance").pk


def test_other_leads_are_part_of_the_history(plan):
    action = factories.action(plan, "OC.A2.1", lead="Head of HR")
    action.other_leads.add(Post.objects.create(name="Head of Legal"))
    latest = action.history.first()
    assert [row.post.name for row in latest.other_leads.all()] == ["Head of Legal"]


def test_an_administrators_edit_in_the_admin_records_them(plan, people, client_for):
    action = factories.action(plan, "OC.A2.1", lead="Head of HR", due_text="Mar-24")
    url = reverse("admin:plans_action_change", args=[action.pk])
    form = client_for("admin").get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(other_leads=[], committees=[], due_text="Sep-24", title=action.title, statutory="")
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    response = client_for("admin").post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = action.history.first()
    assert latest.history_user == people["admin"]
    assert latest.due_text == "Sep-24"
    assert latest.prev_record.due_text == "Mar-24"
