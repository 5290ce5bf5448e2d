"""Optional sign-off: when a plan asks for it, updates wait for a performance officer or the
action's director; councillors see only approved ones; the officer sees what came back."""

import datetime
from importlib import import_module

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from plans import owing, updates
from plans.models import Review, Round, Update, UpdateRevision
from plans.vocabulary import status_matcher
from tests import factories
from tracker import policy

FEB = datetime.date(2024, 2, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2024, 2, 20, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def action(plan, people):
    plan.updates_need_sign_off = True
    plan.save()
    Round.objects.create(plan=plan, month=FEB, due=datetime.date(2024, 3, 8))
    made = factories.action(plan, "OC.A2.1", lead="Head of HR")
    made.director = factories.Post.objects.create(name="Director of People")
    made.save()
    return made


def save(client, action, narrative="Drafted.", version=0):
    return client.post(
        reverse("plans:update", args=[action.plan.slug, action.ref, 2024, 2]),
        {
            "version": version,
            "status": status_matcher(action.plan.statuses.all())("On track").pk,
            "narrative": narrative,
        },
    )


def review_url(action):
    return reverse("plans:review", args=[action.plan.slug, action.ref, 2024, 2])


def test_without_sign_off_updates_are_published_at_once(plan, people, client_for):
    Round.objects.create(plan=plan, month=FEB, due=datetime.date(2024, 3, 8))
    action = factories.action(plan, "OC.A2.1", lead="Head of HR")
    save(client_for("lead"), action)
    assert Update.objects.get().approval == Update.Approval.APPROVED
    assert Update.objects.visible_to(policy.EVERYONE).count() == 1


def test_an_officers_update_waits_for_sign_off_and_is_not_published(action, client_for):
    assert save(client_for("lead"), action).status_code == 302
    update = Update.objects.get()
    assert update.approval == Update.Approval.SUBMITTED
    assert not Update.objects.visible_to(policy.EVERYONE).exists()
    page = client_for("clerk").get(reverse("plans:sign_off", args=[action.plan.slug]))
    assert review_url(action) in page.content.decode()


def test_a_performance_officer_approves_it(action, client_for, people):
    save(client_for("lead"), action)
    response = client_for("clerk").post(review_url(action), {"decision": "approved", "version": 1})
    assert response.status_code == 302
    assert Update.objects.visible_to(policy.EVERYONE).count() == 1
    review = Review.objects.get()
    assert (review.by, review.version, review.decision) == (people["clerk"], 1, "approved")


def test_the_actions_director_may_sign_off_and_other_officers_may_not(action, client_for):
    save(client_for("lead"), action)
    director = factories.user("director", factories.roles.LEAD_OFFICER, ["Director of People"])
    other = client_for("other_lead")
    assert other.post(review_url(action), {"decision": "approved", "version": 1}).status_code == (
        403
    )
    assert client_for("lead").get(review_url(action)).status_code == 403  # not their own
    client = Client()
    client.force_login(director)
    assert client.post(review_url(action), {"decision": "approved", "version": 1}).status_code == (
        302
    )
    assert Update.objects.get().approval == Update.Approval.APPROVED


def test_a_returned_update_shows_why_and_asks_for_an_update_again(action, client_for, people):
    lead, clerk = client_for("lead"), client_for("clerk")
    save(lead, action)
    page = clerk.post(review_url(action), {"decision": "returned", "version": 1})
    assert "Say what needs changing" in page.content.decode()
    clerk.post(
        review_url(action),
        {"decision": "returned", "note": "Say when Cabinet meets.", "version": 1},
    )
    assert Update.objects.get().approval == Update.Approval.RETURNED
    form = lead.get(reverse("plans:update", args=[action.plan.slug, action.ref, 2024, 2]))
    assert "Returned for changes" in form.content.decode()
    assert "Say when Cabinet meets." in form.content.decode()
    listed = lead.get(reverse("plans:sign_off", args=[action.plan.slug])).content.decode()
    assert "Say when Cabinet meets." in listed
    assert [a.ref for _, due in owing.due_for(people["lead"]) for a in due] == ["OC.A2.1"]
    save(lead, action, narrative="Cabinet meets on 12 March.", version=1)
    assert Update.objects.get().approval == Update.Approval.SUBMITTED


def test_sign_off_is_of_the_version_the_reviewer_read(action, client_for):
    lead, clerk = client_for("lead"), client_for("clerk")
    save(lead, action)
    save(lead, action, narrative="Changed while the clerk was reading.", version=1)
    page = clerk.post(review_url(action), {"decision": "approved", "version": 1})
    assert "changed this update while you were reading it" in page.content.decode()
    assert Update.objects.get().approval == Update.Approval.SUBMITTED


def test_a_performance_officers_own_update_needs_no_sign_off(action, client_for):
    save(client_for("clerk"), action)
    assert Update.objects.get().approval == Update.Approval.APPROVED


@pytest.mark.parametrize("writes_as", ["delegate", "lead post holder"])
def test_a_directors_own_words_go_to_someone_else_for_sign_off(action, people, writes_as):
    director = factories.user("director", factories.roles.LEAD_OFFICER, ["Director of People"])
    if writes_as == "delegate":
        people["lead"].delegate = director
        people["lead"].save()
    else:
        factories.Post.objects.get(name="Head of HR").holders.add(director)
    client = Client()
    client.force_login(director)
    assert save(client, action, narrative="Written by the director.").status_code == 302
    update = Update.objects.get()
    assert update.approval == Update.Approval.SUBMITTED
    assert not Update.objects.visible_to(policy.EVERYONE).exists()
    listed = client.get(reverse("plans:sign_off", args=[action.plan.slug])).content.decode()
    assert review_url(action) not in listed
    assert client.post(review_url(action), {"decision": "approved", "version": 1}).status_code == (
        403
    )
    assert Update.objects.get().approval == Update.Approval.SUBMITTED
    response = client_for_clerk(people).post(
        review_url(action), {"decision": "approved", "version": 1}
    )
    assert response.status_code == 302
    assert Update.objects.get().approval == Update.Approval.APPROVED


def client_for_clerk(people):
    client = Client()
    factories.sign_in(client, people["clerk"])
    return client


def test_an_approved_earlier_wording_stays_readable_after_a_later_one_is_approved(
    action, people, client_for
):
    lead, clerk = client_for("lead"), client_for("clerk")
    save(lead, action, narrative="First wording, approved.")
    clerk.post(review_url(action), {"decision": "approved", "version": 1})
    updates.submit_update(
        action=action,
        month=FEB,
        by=people["lead"],
        status=status_matcher(action.plan.statuses.all())("On track"),
        narrative="Second wording.",
        expected_version=1,
    )
    page = reverse("plans:action", args=[action.plan.slug, action.ref])
    assert "wording" not in client_for("councillor").get(page).content.decode()
    clerk.post(review_url(action), {"decision": "approved", "version": 2})
    shown = client_for("councillor").get(page).content.decode()
    assert "Second wording." in shown
    assert "Earlier wordings of the February 2024 update (1)" in shown
    assert "First wording, approved." in shown


def test_the_migration_marks_the_versions_that_awaited_sign_off(action, people, client_for):
    from django.apps import apps

    mark = import_module("plans.migrations.0009_revision_for_sign_off")
    lead, clerk = client_for("lead"), client_for("clerk")
    save(lead, action, narrative="Returned.")
    clerk.post(review_url(action), {"decision": "returned", "note": "When?", "version": 1})
    save(lead, action, narrative="Never reviewed.", version=1)
    save(lead, action, narrative="Approved.", version=2)
    clerk.post(review_url(action), {"decision": "approved", "version": 3})
    save(clerk, action, narrative="Clerk's correction, approved on saving.", version=3)
    recorded = list(UpdateRevision.objects.values_list("version", "for_sign_off"))
    UpdateRevision.objects.update(for_sign_off=False)
    mark.mark_versions_sent_for_sign_off(apps, None)
    assert list(UpdateRevision.objects.values_list("version", "for_sign_off")) == recorded
    assert recorded == [(1, True), (2, True), (3, True), (4, False)]
