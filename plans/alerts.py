"""Alerts: who is told of what, in one place.

Two events are alerted: a saved update that turns an action red (its status's RAG colour is
red and the action's update before it was not), and an action passing its due date without
being done. Told of both: the holders of the action's director post, the performance
officers, and whoever follows the action or its theme; never someone who turned alerts off
(EmailSettings.alerts), is inactive or has no email address.

Sign-off: an update awaiting sign-off is wording most readers may not see yet
(tracker.policy.may_read_drafts). Its red turn is told at once only to those who may read its
drafts (the director, performance officers, the action's own officers among followers);
everyone else, councillors following the action among them, is told when it is signed off.
Alerts name the action and its status, never the update's words.

Alerts wait as Alert rows, one per person and event (a unique constraint), and go out in one
email per person per day (AlertEmail), claimed as reminders are (plans/tasks.py), so running
`manage.py send_alerts` again the same day sends nothing more.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from plans import summary
from plans.filters import ActionFilter
from plans.models import Action, Alert, AlertEmail, Plan, Rag, Update
from tracker import policy, roles
from tracker.models import User

log = logging.getLogger(__name__)

# How long after its due date an action that is still not done is alerted, so a missed day
# is caught up but the first run after installing does not send every old slip at once.
OVERDUE_WINDOW_DAYS = 45


def emailable():
    """People who may be sent alerts: active, with an email address, alerts not turned off."""
    return (
        User.objects.filter(is_active=True).exclude(email="").exclude(email_settings__alerts=False)
    )


def told_of(action, *, draft=False):
    """The people told of an event on `action`. With `draft` (an update awaiting sign-off),
    only those who may read its drafts."""
    told = Q(groups__name=roles.PERFORMANCE_OFFICER)
    told |= Q(follows__action=action) | Q(follows__theme=action.theme_id)
    if action.director_id is not None:
        told |= Q(posts=action.director_id)
    people = list(emailable().filter(told).distinct())
    if draft:
        people = [person for person in people if policy.may_read_drafts(person, action)]
    return people


def _queue(people, action, kind, about, detail):
    Alert.objects.bulk_create(
        [
            Alert(user=person, action=action, kind=kind, about=about, detail=detail)
            for person in people
        ],
        ignore_conflicts=True,  # told already of this event
    )


def update_saved(update):
    """Queue the alerts a saved (or signed-off) update calls for: a turn to red. Called by
    plans/updates.py after each save and each sign-off; a returned update tells no one."""
    if update.approval == Update.Approval.RETURNED or update.status.rag != Rag.RED:
        return
    before = (
        Update.objects.filter(action=update.action_id, month__lt=update.month)
        .select_related("status")
        .order_by("-month")
        .first()
    )
    if before is not None and before.status.rag == Rag.RED:
        return
    draft = update.approval == Update.Approval.SUBMITTED
    action = Action.objects.select_related("plan").get(pk=update.action_id)
    _queue(told_of(action, draft=draft), action, Alert.Kind.RED, update.month, update.status.label)


def with_months(plan):
    """`plan` read again with the months the tracker's filters need (summary.current_month)."""
    plan = summary.plans_with_round().get(pk=plan.pk)
    plan.first_update_month, plan.last_update_month = summary.update_months(plan)
    return plan


def overdue(plan, today, committee=None):
    """The plan's actions (only `committee`'s, when given) overdue on `today` as the
    tracker's "Overdue" filter says: due date passed and latest signed-off status not done;
    parents that show their children's roll-up are left out. Tracker rows, in plan order."""
    plan = with_months(plan)
    found = ActionFilter({"overdue": "on"}, plan=plan, today=today, committee=committee)
    return list(found.qs.filter(summary.needs_update(plan)).values(*summary.ROW_FIELDS))


def queue_overdue(today):
    """Queue an alert for each action that has passed its due date, not done, within the
    last OVERDUE_WINDOW_DAYS. Each (person, action, due date) is queued once."""
    since = today - datetime.timedelta(days=OVERDUE_WINDOW_DAYS)
    for plan in Plan.objects.all():
        refs = [row["ref"] for row in overdue(plan, today) if row["due_date"] >= since]
        for action in Action.objects.filter(plan=plan, ref__in=refs).select_related("plan"):
            _queue(told_of(action), action, Alert.Kind.OVERDUE, action.due_date, action.due_text)


@task()
def send_alert_email(user_id, day):
    """Email one person today's alerts, unless they were emailed today already (the rest wait
    for tomorrow) or turned alerts off. Returns whether an email went."""
    day = datetime.date.fromisoformat(day)
    with transaction.atomic():
        person = emailable().filter(pk=user_id).first()
        if person is None:
            return False
        waiting = list(
            Alert.objects.filter(user=person, email__isnull=True).select_related("action__plan")
        )
        if not waiting:
            return False
        try:
            with transaction.atomic():
                sent = AlertEmail.objects.create(user=person, sent_on=day)
        except IntegrityError:
            log.info("alerts user=%s day=%s already sent", user_id, day)
            return False
        Alert.objects.filter(pk__in=[alert.pk for alert in waiting]).update(email=sent)
        context = {
            "person": person,
            "alerts": [
                (alert, settings.SITE_URL + alert.action.get_absolute_url()) for alert in waiting
            ],
            "settings_link": settings.SITE_URL + reverse("plans:email_settings"),
            "service_name": settings.SERVICE_NAME,
        }
        subject = render_to_string("emails/alerts_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject, render_to_string("emails/alerts.txt", context), to=[person.email]
        )
        message.attach_alternative(render_to_string("emails/alerts.html", context), "text/html")
        message.send()
    log.info("alerts user=%s day=%s sent alerts=%d", user_id, day, len(waiting))
    return True


def send_alerts(today):
    """Queue today's overdue alerts, then one email task per person with alerts waiting.
    Returns how many people have alerts waiting."""
    queue_overdue(today)
    people = set(
        Alert.objects.filter(email__isnull=True).values_list("user_id", flat=True).distinct()
    )
    for user_id in sorted(people):
        send_alert_email.enqueue(user_id, today.isoformat())
    return len(people)
