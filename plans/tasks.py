"""Reminder emails, sent by Django tasks so no page waits on a mail server.

Each reminder is claimed by inserting a Reminder row in the same transaction that sends it:
the row's unique constraint refuses a second claim, so a task run twice (a worker restarted,
a double click) sends nothing more; and if sending fails the claim rolls back with it, so the
task can be retried.
"""

import logging
import textwrap

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from plans import owing
from plans.models import Reminder, Round
from plans.templatetags.due_dates import due_label
from tracker.models import User

log = logging.getLogger(__name__)


@task()
def send_round_reminders(round_id, kind, sent_by_id=None):
    """Queue one reminder of `kind` for each officer with updates missing in the round.
    Returns how many were queued."""
    round_ = Round.objects.select_related("plan").get(pk=round_id)
    if not round_.is_open:
        return 0
    officers = [owner.person for owner in owing.owed(round_) if owner.person is not None]
    for person in officers:
        send_reminder.enqueue(round_id, person.pk, kind, sent_by_id)
    return len(officers)


@task()
def send_reminder(round_id, user_id, kind, sent_by_id=None):
    """Email one officer the list of their actions still needing an update, unless this
    reminder was sent already or nothing is missing. Returns whether an email went."""
    with transaction.atomic():
        round_ = Round.objects.select_related("plan").get(pk=round_id)
        person = User.objects.select_related("delegate").get(pk=user_id)
        if not round_.is_open or not person.is_active or not person.email:
            return False
        actions = owing.owed_by(person, round_)
        if not actions:
            return False
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    round=round_,
                    user=person,
                    kind=kind,
                    sent_by_id=sent_by_id,
                    sent_on=timezone.localdate(),
                    refs="\n".join(action.ref for action in actions),
                )
        except IntegrityError:
            log.info("reminder=%s round=%s user=%s already sent", kind, round_id, user_id)
            return False
        # Whoever covers for the officer gets a copy: they may update the same actions.
        delegate = person.delegate
        if delegate is not None and not (delegate.is_active and delegate.email):
            delegate = None
        context = {
            "person": person,
            "delegate": delegate,
            "round": round_,
            "kind": kind,
            "actions": actions,
            # One line each: a title's own line breaks (a bulleted list, say) would read as
            # more actions.
            "lines": [
                (
                    action.ref,
                    textwrap.shorten(action.title, 90, placeholder="…"),
                    due_label(" ".join(action.due_text.split()), action.due_date)
                    if action.due_text.strip()
                    else "",
                )
                for action in actions
            ],
            "link": settings.SITE_URL + reverse("plans:update_all", args=[round_.plan.slug]),
        }
        subject = render_to_string("emails/reminder_subject.txt", context).strip()
        body = render_to_string("emails/reminder.txt", context)
        EmailMessage(
            subject, body, to=[person.email], cc=[delegate.email] if delegate else []
        ).send()
    log.info("reminder=%s round=%s user=%s sent actions=%d", kind, round_id, user_id, len(actions))
    return True
