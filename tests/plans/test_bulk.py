"""Bulk changes to the tracker's filtered actions: administrators only; only the ticked
actions and the filled fields change; the confirmation shows old → new; each change is in
the action's history with who made it."""

import re

import pytest
from django.urls import reverse

from plans import history
from plans.models import Action, Committee, Post
from tests import factories

URL = "/plans/corporate-plan/actions/change/"


@pytest.fixture
def actions(plan):
    hr = Post.objects.get_or_create(name="Head of HR")[0]
    old_director = Post.objects.create(name="Director of Resources")
    made = [
        factories.action(plan, ref, lead="Head of HR", director=old_director, due_text="Mar-24")
        for ref in ("A1", "A2", "A3")
    ]
    factories.action(plan, "B1", lead="Head of Finance", director=old_director)
    assert all(a.lead_officer == hr for a in made)
    return made


def test_the_page_lists_the_filtered_actions_all_ticked(actions, client_for):
    hr = Post.objects.get(name="Head of HR")
    page = client_for("admin").get(URL, {"lead": hr.pk}).content.decode()
    for action in actions:
        assert re.search(rf'value="{action.pk}"\s+checked', page)
    assert "B1 Action B1" not in page


def test_the_tracker_links_administrators_to_change_the_filtered_actions(
    actions, client_for, people
):
    hr = Post.objects.get(name="Head of HR")
    link = f"{URL}?lead={hr.pk}"
    assert (
        link in client_for("admin").get("/plans/corporate-plan/", {"lead": hr.pk}).content.decode()
    )
    # Served from the same cache, the councillor's page has no such link.
    assert (
        URL
        not in client_for("councillor")
        .get("/plans/corporate-plan/", {"lead": hr.pk})
        .content.decode()
    )


def test_confirmation_shows_old_and_new_and_writes_nothing(actions, client_for):
    director = Post.objects.create(name="Director of Place")
    a1, a2, _ = actions
    response = client_for("admin").post(
        URL, {"actions": [a1.pk, a2.pk], "director": director.pk, "member_lead": ""}
    )
    page = response.content.decode()
    assert "Change 2 actions?" in page
    assert page.count("Director of Resources") == 2
    assert page.count("Director of Place") == 2
    assert Action.objects.filter(director=director).count() == 0


def test_only_ticked_actions_and_filled_fields_change(actions, client_for, people):
    director = Post.objects.create(name="Director of Place")
    a1, a2, a3 = actions
    response = client_for("admin").post(
        URL + "?theme=",
        {
            "actions": [a1.pk, a3.pk],
            "director": director.pk,
            "due_text": "March 2025",
            "confirm": "yes",
        },
    )
    assert response.status_code == 302
    for action in (a1, a3):
        action.refresh_from_db()
        assert action.director == director
        assert action.due_text == "March 2025"
        assert str(action.due_date) == "2025-03-01"
        assert action.lead_officer.name == "Head of HR"  # not filled in: kept
    a2.refresh_from_db()
    assert a2.director.name == "Director of Resources"
    assert a2.due_text == "Mar-24"


def test_each_change_is_in_the_history_with_who_made_it(actions, client_for, people):
    committee = Committee.objects.create(name="Audit Committee", slug="audit")
    a1 = actions[0]
    client_for("admin").post(
        URL,
        {
            "actions": [a1.pk],
            "committee": committee.pk,
            "member_lead": "Cllr Patel",
            "confirm": "yes",
        },
    )
    entries = [e for e in history.action_changes(a1) if e.kind == "Changed"]
    changed = {(c.field, c.old, c.new) for e in entries for c in e.changes}
    assert ("member lead", "(empty)", "Cllr Patel") in changed
    assert ("committees", "(none)", "Audit Committee") in changed
    assert {e.who for e in entries} == {people["admin"]}


def test_the_plan_pages_go_stale(actions, client_for):
    plan = actions[0].plan
    before = plan.data_version, plan.layout_version
    client_for("admin").post(
        URL, {"actions": [actions[0].pk], "member_lead": "Cllr Patel", "confirm": "yes"}
    )
    plan.refresh_from_db()
    assert plan.data_version > before[0] and plan.layout_version > before[1]


def test_nothing_chosen_to_change_is_refused(actions, client_for):
    response = client_for("admin").post(URL, {"actions": [actions[0].pk], "confirm": "yes"})
    assert "Choose at least one thing to change" in response.content.decode()


def test_a_due_date_that_is_no_date_is_refused_naming_it(actions, client_for):
    response = client_for("admin").post(
        URL, {"actions": [actions[0].pk], "due_text": "soonish", "confirm": "yes"}
    )
    assert "“soonish” is not a date" in response.content.decode()
    actions[0].refresh_from_db()
    assert actions[0].due_text == "Mar-24"


@pytest.mark.parametrize("role", ["councillor", "lead", "clerk"])
def test_only_administrators_may_change_actions(actions, client_for, role):
    director = Post.objects.create(name="Director of Place")
    response = client_for(role).post(
        URL, {"actions": [actions[0].pk], "director": director.pk, "confirm": "yes"}
    )
    assert response.status_code == 403
    assert not Action.objects.filter(director=director).exists()
    assert reverse("plans:bulk_change", args=["corporate-plan"]) == URL


def test_change_what_is_set_goes_back_to_the_form_as_filled(actions, client_for):
    response = client_for("admin").post(
        URL, {"actions": [actions[0].pk], "member_lead": "Cllr Patel", "edit": "yes"}
    )
    page = response.content.decode()
    assert "Check the changes" in page and 'value="Cllr Patel"' in page
    assert not re.search(rf'value="{actions[1].pk}"\s+checked', page)


def test_a_committee_given_actions_from_its_own_side_is_in_their_history(actions, people):
    committee = Committee.objects.create(name="Audit Committee", slug="audit")
    committee.actions.add(actions[0])  # as the admin's committee page or an import may
    changed = [c for e in history.action_changes(actions[0]) for c in e.changes]
    assert [(c.field, c.new) for c in changed] == [("committees", "Audit Committee")]
