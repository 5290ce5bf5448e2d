"""Update rounds: open, extend, close, reopen with a reason; the chase list; roll-ups."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from plans import owing, rounds
from plans.models import Reminder, Round
from tests import factories

JAN = datetime.date(2024, 1, 1)
FEB = datetime.date(2024, 2, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2024, 2, 2, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def actions(plan, people):
    return [
        factories.action(plan, "OC.A1.1", lead="Head of HR", title="Workforce strategy"),
        factories.action(plan, "OC.A1.2", lead="Head of HR", title="Appraisals"),
        factories.action(plan, "OC.B1.1", lead="Head of Finance", title="Budget"),
    ]


def round_url(name, plan, month=JAN):
    return reverse(name, args=[plan.slug, month.year, month.month])


def test_a_clerk_opens_a_round_and_officers_are_emailed_once_each(plan, actions, client_for):
    response = client_for("clerk").post(
        reverse("plans:round_open", args=[plan.slug]),
        {
            "month_0": "15",
            "month_1": "1",
            "month_2": "2024",
            "due_0": "9",
            "due_1": "2",
            "due_2": "2024",
        },
    )
    round_ = Round.objects.get()
    assert response["Location"] == round_.get_absolute_url()
    assert (round_.month, round_.due, round_.is_open) == (JAN, datetime.date(2024, 2, 9), True)
    assert str(round_) == "January 2024 update, due by 9 February 2024"
    # One email per person, not per action: lead has two actions, other_lead one.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "lead@example.org",
        "other_lead@example.org",
    ]
    lead_mail = next(m for m in mail.outbox if m.to == ["lead@example.org"])
    assert lead_mail.subject == "2 actions need your January 2024 update by 9 February"
    assert "OC.A1.1 Workforce strategy" in lead_mail.body
    assert "OC.A1.2 Appraisals" in lead_mail.body
    assert "http://127.0.0.1:8000/plans/corporate-plan/my-updates/" in lead_mail.body
    assert Reminder.objects.filter(kind=Reminder.Kind.OPENED).count() == 2


def test_a_round_for_a_month_is_opened_only_once(plan, people):
    rounds.open_round(plan=plan, month=JAN, due=datetime.date(2024, 2, 9), by=people["clerk"])
    with pytest.raises(ValidationError, match="already a January 2024 round"):
        rounds.open_round(plan=plan, month=JAN, due=datetime.date(2024, 2, 9), by=people["clerk"])


def test_only_one_round_is_open_at_a_time(plan, people):
    rounds.open_round(plan=plan, month=JAN, due=datetime.date(2024, 2, 9), by=people["clerk"])
    with pytest.raises(ValidationError, match="Close the January 2024 round first"):
        rounds.open_round(plan=plan, month=FEB, due=datetime.date(2024, 3, 8), by=people["clerk"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(plan=plan, month=FEB, due=datetime.date(2024, 3, 8))


def test_extend_close_and_reopen_with_a_reason_are_kept_in_the_history(plan, people, client_for):
    round_ = rounds.open_round(
        plan=plan, month=JAN, due=datetime.date(2024, 2, 9), by=people["clerk"]
    )
    clerk = client_for("clerk")
    clerk.post(
        round_url("plans:round_extend", plan),
        {"due_0": "16", "due_1": "2", "due_2": "2024"},
    )
    round_.refresh_from_db()
    assert round_.due == datetime.date(2024, 2, 16)
    clerk.post(round_url("plans:round_close", plan))
    round_.refresh_from_db()
    assert not round_.is_open and round_.closed_by == people["clerk"]
    page = clerk.post(round_url("plans:round_reopen", plan), {"reason": ""}).content.decode()
    assert "Say why the round is being reopened" in page
    clerk.post(round_url("plans:round_reopen", plan), {"reason": "HR update missed"})
    round_.refresh_from_db()
    assert round_.is_open and round_.reopen_reason == "HR update missed"
    page = clerk.get(round_url("plans:round", plan)).content.decode()
    assert "reopened: “HR update missed”" in page
    assert "due date moved from 9 February 2024 to 16 February 2024" in page
    history = rounds.history(round_)
    assert [who for _, who, _ in history] == [people["clerk"]] * 4


def test_extending_to_an_earlier_date_is_refused(plan, people, client_for):
    rounds.open_round(plan=plan, month=JAN, due=datetime.date(2024, 2, 9), by=people["clerk"])
    page = client_for("clerk").post(
        round_url("plans:round_extend", plan), {"due_0": "1", "due_1": "2", "due_2": "2024"}
    )
    assert "must be after 9 February 2024" in page.content.decode()


def test_the_chase_list_groups_missing_updates_by_officer(plan, actions, people, client_for):
    round_ = Round.objects.create(plan=plan, month=JAN, due=datetime.date(2024, 2, 9))
    factories.update(actions[0], "2024-01", "On track")
    orphan = factories.action(plan, "OC.C1.1", lead="Head of Nothing", title="Nobody's")
    grouped = owing.owed(round_)
    assert [(o.person, o.post, [a.ref for a in o.actions]) for o in grouped] == [
        (people["lead"], None, ["OC.A1.2"]),
        (people["other_lead"], None, ["OC.B1.1"]),
        (None, orphan.lead_officer, [orphan.ref]),
    ]
    page = client_for("clerk").get(round_url("plans:chase", plan)).content.decode()
    assert 'Head of Nothing<br><span class="govuk-body-s">Nobody holds this post' in page
    assert f'name="user" value="{people["lead"].pk}"' in page


def test_the_update_owner_is_chased_rather_than_the_lead_officer(plan, people):
    action = factories.action(plan, "OC.A1.1", lead="Head of Finance")
    action.update_owner = factories.Post.objects.get(name="Head of HR")
    action.save()
    round_ = Round.objects.create(plan=plan, month=JAN, due=datetime.date(2024, 2, 9))
    assert [owner.person for owner in owing.owed(round_)] == [people["lead"]]


def test_parents_are_not_asked_for_an_update_unless_the_plan_says_so(plan, people):
    parent = factories.action(plan, "OC.A2.0", lead="Head of HR")
    factories.action(plan, "OC.A2.1", lead="Head of HR", parent=parent)
    round_ = Round.objects.create(plan=plan, month=JAN, due=datetime.date(2024, 2, 9))
    assert [a.ref for a in owing.owed_by(people["lead"], round_)] == ["OC.A2.1"]
    plan.parents_rate_themselves = True
    plan.save()
    round_.refresh_from_db()
    assert [a.ref for a in owing.owed_by(people["lead"], round_)] == ["OC.A2.0", "OC.A2.1"]


def test_a_roll_up_counts_the_childrens_statuses(plan):
    parent = factories.action(plan, "OC.A2.0")
    children = [factories.action(plan, f"OC.A2.{n}", parent=parent) for n in (1, 2, 3)]
    factories.update(children[0], "2024-01", "On track")
    factories.update(children[1], "2024-01", "On track")
    counts, missing = rounds.rollup(parent, JAN)
    assert [(status.label, count) for status, count in counts] == [("On track", 2)]
    assert missing == 1


def test_reminders_fall_due_when_opened_before_the_due_date_and_after_it(plan):
    round_ = Round(plan=plan, month=JAN, due=datetime.date(2024, 2, 9))
    day = datetime.date
    assert rounds.reminder_due(round_, day(2024, 2, 1)) == Reminder.Kind.OPENED
    assert rounds.reminder_due(round_, day(2024, 2, 5)) == Reminder.Kind.OPENED
    assert rounds.reminder_due(round_, day(2024, 2, 6)) == Reminder.Kind.DUE_SOON
    assert rounds.reminder_due(round_, day(2024, 2, 9)) == Reminder.Kind.DUE_SOON
    assert rounds.reminder_due(round_, day(2024, 2, 10)) == Reminder.Kind.OVERDUE
    round_.closed_at = datetime.datetime(2024, 2, 12, tzinfo=datetime.UTC)
    assert rounds.reminder_due(round_, day(2024, 2, 12)) is None


def test_the_rounds_page_shows_progress(plan, actions, client_for):
    Round.objects.create(plan=plan, month=JAN, due=datetime.date(2024, 2, 9))
    factories.update(actions[0], "2024-01", "On track")
    page = client_for("clerk").get(reverse("plans:rounds", args=[plan.slug])).content.decode()
    assert "1 action updated, 2 still to do" in page


def test_closing_with_updates_missing_asks_first_naming_them(plan, actions, people, client_for):
    round_ = rounds.open_round(
        plan=plan, month=JAN, due=datetime.date(2024, 2, 9), by=people["clerk"]
    )
    factories.update(actions[0], "2024-01", "On track")
    clerk = client_for("clerk")
    asked = clerk.post(round_url("plans:round_close", plan), follow=True)
    assert asked.redirect_chain == [(round_url("plans:round_close", plan), 302)]
    page = " ".join(asked.content.decode().split())
    assert "Close the January 2024 round with 2 updates missing?" in page
    assert "OC.A1.2 Appraisals" in page
    assert "OC.B1.1 Budget" in page
    assert "OC.A1.1" not in page  # in already
    assert 'name="confirm" value="yes"' in page
    round_.refresh_from_db()
    assert round_.is_open
    clerk.post(round_url("plans:round_close", plan), {"confirm": "yes"})
    round_.refresh_from_db()
    assert not round_.is_open


def test_a_round_with_nothing_missing_closes_at_once(plan, people, client_for):
    round_ = rounds.open_round(
        plan=plan, month=JAN, due=datetime.date(2024, 2, 9), by=people["clerk"]
    )
    client_for("clerk").post(round_url("plans:round_close", plan))
    round_.refresh_from_db()
    assert not round_.is_open


def test_reopening_says_first_that_the_open_round_must_close(plan, people, client_for):
    january = rounds.open_round(
        plan=plan, month=JAN, due=datetime.date(2024, 2, 9), by=people["clerk"]
    )
    rounds.close_round(round_=january, by=people["clerk"])
    rounds.open_round(plan=plan, month=FEB, due=datetime.date(2024, 3, 8), by=people["clerk"])
    page = " ".join(
        client_for("clerk").get(round_url("plans:round", plan)).content.decode().split()
    )
    assert (
        'Close the <a class="govuk-link" href="/plans/corporate-plan/rounds/2024/2/">February '
        "2024 round</a> first: only one round can be open at a time." in page
    )
    assert "Why are you reopening the round?" not in page
