"""Reminder emails: one per person listing their missing updates, never twice for the same
reminder, queued daily by `send_due_reminders` and on demand from the chase list."""

import datetime
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from plans import tasks
from plans.models import Reminder, Round
from tests import factories

JAN = datetime.date(2024, 1, 1)


@pytest.fixture
def round_(plan, people):
    factories.action(plan, "OC.A1.1", lead="Head of HR", title="Workforce strategy")
    factories.action(plan, "OC.A1.2", lead="Head of HR", title="Appraisals")
    factories.action(plan, "OC.B1.1", lead="Head of Finance", title="Budget")
    return Round.objects.create(plan=plan, month=JAN, due=datetime.date(2024, 2, 9))


def test_a_reminder_goes_once_even_when_the_task_runs_again(round_, people):
    lead = people["lead"]
    assert tasks.send_reminder.call(round_.pk, lead.pk, Reminder.Kind.DUE_SOON)
    # A worker restarting after sending runs the same task again: nothing more goes.
    assert not tasks.send_reminder.call(round_.pk, lead.pk, Reminder.Kind.DUE_SOON)
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().refs == "OC.A1.1\nOC.A1.2"


def test_a_failed_send_releases_the_claim_so_a_retry_sends_it(round_, people):
    lead = people["lead"]
    with (
        mock.patch("plans.tasks.EmailMessage.send", side_effect=ConnectionRefusedError),
        pytest.raises(ConnectionRefusedError),
    ):
        tasks.send_reminder.call(round_.pk, lead.pk, Reminder.Kind.OVERDUE)
    assert not Reminder.objects.exists()
    assert tasks.send_reminder.call(round_.pk, lead.pk, Reminder.Kind.OVERDUE)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Overdue: 2 actions need your January 2024 update")


def test_an_officers_delegate_gets_a_copy_of_the_reminder(round_, people):
    lead = people["lead"]
    cover = factories.user("cover", factories.roles.LEAD_OFFICER)
    lead.delegate = cover
    lead.save()
    assert tasks.send_reminder.call(round_.pk, lead.pk, Reminder.Kind.DUE_SOON)
    [sent] = mail.outbox
    assert (sent.to, sent.cc) == ([lead.email], ["cover@example.org"])
    assert f"A copy goes to {cover}, your delegate" in sent.body


def test_a_delegate_who_has_left_gets_no_copy(round_, people):
    lead = people["lead"]
    lead.delegate = factories.user("gone", is_active=False)
    lead.save()
    assert tasks.send_reminder.call(round_.pk, lead.pk, Reminder.Kind.DUE_SOON)
    assert mail.outbox[0].cc == []
    assert "you can name them as your delegate" in mail.outbox[0].body


def test_nobody_is_reminded_of_nothing(round_, people, plan):
    for action in plan.actions.filter(lead_officer__name="Head of HR"):
        factories.update(action, "2024-01", "On track")
    assert not tasks.send_reminder.call(round_.pk, people["lead"].pk, Reminder.Kind.DUE_SOON)
    assert mail.outbox == []


def test_a_closed_round_sends_no_reminders(round_, people):
    round_.closed_at = datetime.datetime(2024, 2, 12, tzinfo=datetime.UTC)
    round_.save()
    assert tasks.send_round_reminders.call(round_.pk, Reminder.Kind.OVERDUE) == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        ("2024-02-06", Reminder.Kind.DUE_SOON),
        ("2024-02-10", Reminder.Kind.OVERDUE),
    ],
)
def test_the_daily_command_queues_the_reminders_due_today(round_, today, kind):
    out = StringIO()
    call_command("send_due_reminders", "--date", today, stdout=out)
    assert f"queued {kind} reminders" in out.getvalue()
    assert set(Reminder.objects.values_list("kind", flat=True)) == {kind}
    assert len(mail.outbox) == 2
    call_command("send_due_reminders", "--date", today, stdout=StringIO())
    assert len(mail.outbox) == 2  # run twice in a day, or by two schedulers: still once


def test_the_command_uses_todays_date_by_default(round_):
    with time_machine.travel(datetime.datetime(2024, 2, 10, 7, tzinfo=datetime.UTC)):
        call_command("send_due_reminders", stdout=StringIO())
    assert set(Reminder.objects.values_list("kind", flat=True)) == {Reminder.Kind.OVERDUE}


def test_the_chase_list_button_reminds_one_officer_now(round_, people, client_for):
    clerk = client_for("clerk")
    url = reverse("plans:remind", args=[round_.plan.slug, 2024, 1])
    response = clerk.post(url, {"user": people["lead"].pk})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]
    assert "chasing your January 2024 updates" in mail.outbox[0].body
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.sent_by) == (Reminder.Kind.CHASE, people["clerk"])
    clerk.post(url, {"user": people["lead"].pk})  # a double click sends nothing more today
    assert len(mail.outbox) == 1
    page = clerk.get(reverse("plans:chase", args=[round_.plan.slug, 2024, 1])).content.decode()
    assert "(chased by a performance officer)" in page


def test_the_chase_list_can_remind_everyone_at_once(round_, client_for):
    client_for("clerk").post(reverse("plans:remind", args=[round_.plan.slug, 2024, 1]), {})
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.org", "other_lead@example.org"]


def test_only_performance_officers_can_send_reminders(round_, people, client_for):
    url = reverse("plans:remind", args=[round_.plan.slug, 2024, 1])
    for role in ("anonymous", "councillor", "lead", "other_lead"):
        client_for(role).post(url, {"user": people["lead"].pk})
    assert mail.outbox == []
