"""Alerts (plans/alerts.py): an update turning an action red, or an action passing its due
date undone, is told to its director's post holders, the performance officers and whoever
follows the action or its theme, in one email per person per day; nobody who turned alerts
off; councillors never of wording not signed off."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from plans import alerts
from plans.models import Alert, EmailSettings, Follow, Post, Round
from plans.updates import review_update, submit_update
from plans.vocabulary import status_matcher
from tests import factories
from tracker import roles

RED = "Significant issues / slippage"
FEBRUARY = datetime.date(2024, 2, 1)


def at(day):
    return time_machine.travel(datetime.datetime.fromisoformat(f"{day}T18:00:00+00:00"))


@pytest.fixture
def director(people):
    return factories.user("director", roles.LEAD_OFFICER, ["Director of Place"])


@pytest.fixture
def action(plan, people, director):
    made = factories.action(
        plan, "PL.1", lead="Head of HR", title="Open the new library", due_text="15/03/2024"
    )
    made.director = Post.objects.get(name="Director of Place")
    made.save()
    factories.update(made, "2024-01", "On track")
    return made


def told(action):
    return sorted(Alert.objects.filter(action=action).values_list("user__username", flat=True))


def send(day):
    with at(day):
        call_command("send_alerts")


def to(username):
    return [m for m in mail.outbox if m.to == [f"{username}@example.org"]]


def test_a_turn_to_red_tells_the_director_and_performance_officers(action):
    factories.update(action, "2024-02", RED)
    assert told(action) == ["clerk", "director"]
    send("2024-02-20")
    [email] = to("director")
    assert "PL.1 Open the new library" in email.body
    assert f"Turned red: {RED} in February 2024" in email.body
    html, kind = email.alternatives[0]
    assert kind == "text/html"
    assert '<html lang="en-GB">' in html and '<th scope="col">Action</th>' in html
    assert "/plans/corporate-plan/actions/PL.1/" in html
    assert len(to("clerk")) == 1
    assert to("councillor") == [] and to("lead") == []


def test_staying_red_is_not_news(action):
    factories.update(action, "2024-02", RED)
    factories.update(action, "2024-03", RED, narrative="Still slipping.")
    assert Alert.objects.filter(action=action, user__username="director").count() == 1


def test_passing_the_due_date_undone_is_told_once(action):
    send("2024-03-15")  # due today: not yet overdue
    assert told(action) == []
    send("2024-03-16")
    assert told(action) == ["clerk", "director"]
    [email] = to("director")
    assert "Passed its due date (15/03/2024) and is not done" in email.body
    send("2024-03-17")
    assert len(to("director")) == 1


def test_a_done_action_passing_its_due_date_is_not_told(action):
    factories.update(action, "2024-03", "Complete")
    send("2024-03-16")
    assert told(action) == []


def test_alerts_are_batched_one_email_per_person_per_day(plan, action):
    other = factories.action(plan, "PL.2", lead="Head of HR", director=action.director)
    factories.update(action, "2024-02", RED)
    factories.update(other, "2024-02", RED)
    send("2024-02-20")
    [email] = to("director")
    assert "PL.1" in email.body and "PL.2" in email.body
    assert email.subject == "2 actions need your attention"
    # A third the same day waits for tomorrow's email.
    late = factories.action(plan, "PL.3", lead="Head of HR", director=action.director)
    factories.update(late, "2024-02", RED)
    send("2024-02-20")
    assert len(to("director")) == 1
    send("2024-02-21")
    assert len(to("director")) == 2 and "PL.3" in to("director")[1].body


def test_followers_of_an_action_or_its_theme_are_told(plan, action, people, client_for):
    client_for("councillor").post(reverse("plans:follow_action", args=[plan.slug, "PL.1"]))
    client_for("lead").post(reverse("plans:follow_theme", args=[plan.slug, action.theme_id]))
    factories.update(action, "2024-02", RED)
    assert told(action) == ["clerk", "councillor", "director", "lead"]
    client_for("councillor").post(
        reverse("plans:follow_action", args=[plan.slug, "PL.1"]), {"follow": "no"}
    )
    assert not Follow.objects.filter(user=people["councillor"]).exists()
    assert Follow.history.filter(history_type="-").count() == 1  # the unfollowing is kept


def test_the_action_page_offers_to_follow_and_to_stop(plan, action, client_for):
    client = client_for("councillor")
    page = client.get(reverse("plans:action", args=[plan.slug, "PL.1"])).content.decode()
    assert "Follow this action" in page and "Follow the theme Community" in page
    client.post(reverse("plans:follow_action", args=[plan.slug, "PL.1"]))
    page = client.get(reverse("plans:action", args=[plan.slug, "PL.1"])).content.decode()
    assert "Stop following this action" in page


def test_councillors_following_are_told_only_once_signed_off(plan, action, people, client_for):
    plan.updates_need_sign_off = True
    plan.save()
    Follow.objects.create(user=people["councillor"], action=action)
    Round.objects.create(plan=plan, month=FEBRUARY, due=datetime.date(2024, 3, 8))
    update, _ = submit_update(
        action=action,
        month=FEBRUARY,
        by=people["lead"],
        status=status_matcher(plan.statuses.all())(RED),
        narrative="Draft: the builder has gone bust.",
        expected_version=0,
    )
    assert told(action) == ["clerk", "director"]  # they may read the draft
    review_update(
        update=update, by=people["clerk"], decision="approved", expected_version=update.version
    )
    assert told(action) == ["clerk", "councillor", "director"]


def test_nobody_is_told_of_an_update_returned(plan, action, people):
    plan.updates_need_sign_off = True
    plan.save()
    Round.objects.create(plan=plan, month=FEBRUARY, due=datetime.date(2024, 3, 8))
    update, _ = submit_update(
        action=action,
        month=FEBRUARY,
        by=people["lead"],
        status=status_matcher(plan.statuses.all())(RED),
        narrative="Draft.",
        expected_version=0,
    )
    Alert.objects.all().delete()
    review_update(
        update=update,
        by=people["clerk"],
        decision="returned",
        note="Say why.",
        expected_version=update.version,
    )
    assert told(action) == []


def test_turning_alerts_off_means_none(action, director):
    client = Client()
    client.force_login(director)
    response = client.post(reverse("plans:email_settings"), {})
    assert response.status_code == 302
    assert EmailSettings.objects.get(user__username="director").alerts is False
    factories.update(action, "2024-02", RED)
    send("2024-02-20")
    assert told(action) == ["clerk"]
    assert to("director") == []


def test_alerts_turned_off_after_queueing_are_not_sent(action, people):
    factories.update(action, "2024-02", RED)
    EmailSettings.objects.create(user=people["clerk"], alerts=False)
    send("2024-02-20")
    assert to("clerk") == [] and len(to("director")) == 1


def test_the_rules_leave_out_people_with_no_email_or_inactive(action, director, people):
    director.email = ""
    director.save()
    people["clerk"].is_active = False
    people["clerk"].save()
    assert alerts.told_of(action) == []


def test_the_email_settings_page_keeps_the_choices(client_for, people):
    client = client_for("councillor")
    page = client.get(reverse("plans:email_settings")).content.decode()
    assert "Email me alerts" in page and "monthly committee digest" in page
    client.post(reverse("plans:email_settings"), {"alerts": "on", "digest": "on"})
    chosen = EmailSettings.objects.get(user=people["councillor"])
    assert chosen.alerts and chosen.digest
    assert chosen.history.count() == 1
