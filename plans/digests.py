"""Committees at a glance: the home page's "Your committees" and the monthly committee
digest emailed to chairs, vice-chairs and councillors who opt in.

Both show a committee's position through the one figures pipeline (summary.dashboard with
the committee), so their counts are the dashboard's and carry signed-off wording only.

A digest goes once per person, plan and month: a Digest row is inserted in the same
transaction that sends it, as reminders are (plans/tasks.py), so a re-run sends nothing twice.
"""

import datetime
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from plans import alerts, summary
from plans.models import Committee, Digest, Plan, Rag, Round
from plans.templatetags.browse import action_url
from tracker.models import User

log = logging.getLogger(__name__)


@dataclass
class Position:
    """One committee's actions in one plan as at `month`."""

    plan: Plan
    committee: Committee
    month: datetime.date
    dashboard: summary.Dashboard
    overdue: list = field(default_factory=list)  # tracker rows

    @property
    def red(self):
        return [item for item in self.dashboard.attention if item.status.rag == Rag.RED]

    @property
    def amber(self):
        return [item for item in self.dashboard.attention if item.status.rag == Rag.AMBER]

    def changed(self):
        """(label, [Moved]) for each kind of status change since the month before."""
        return [
            (label, moved)
            for label, moved in self.dashboard.movement_rows()
            if moved and label != "Unchanged"
        ]

    def tracker_url(self, rags=(Rag.RED, Rag.AMBER)):
        """The tracker filtered to the committee's actions of `rags` colours."""
        query = urlencode([("committee", self.committee.pk), *(("rag", rag) for rag in rags)])
        return f"{reverse('plans:tracker', args=[self.plan.slug])}?{query}"

    def dashboard_url(self):
        query = urlencode({"committee": self.committee.pk, "month": self.month.isoformat()})
        return f"{reverse('plans:dashboard', args=[self.plan.slug])}?{query}"


def position(plan, committee, month, *, today=None):
    """The committee's Position in `plan` (one with the months summary.current_month needs)
    as at `month`; with `today`, also what is overdue then."""
    return Position(
        plan,
        committee,
        month,
        summary.dashboard(plan, month, committee=committee),
        alerts.overdue(plan, today, committee) if today else [],
    )


def sits_on(user):
    """Committees `user` chairs, vice-chairs or is a member of."""
    return Committee.objects.filter(Q(chair=user) | Q(vice_chair=user) | Q(members=user)).distinct()


def my_committees(user):
    """[Position] at each plan's current month for each committee `user` sits on, for the
    home page: a committee overseeing actions in two plans shows once for each."""
    found = []
    committees = list(sits_on(user))
    if not committees:
        return found
    for plan in summary.plans_with_round().filter(actions__committees__in=committees).distinct():
        plan.first_update_month, plan.last_update_month = summary.update_months(plan)
        month = summary.current_month(plan)
        if month is None:
            continue
        for committee in committees:
            if committee.actions.filter(plan=plan).exists():
                found.append(position(plan, committee, month))
    return found


def recipients(plan):
    """{person: [committee, ...]} who get `plan`'s digest: the chair and vice-chair of each of
    its committees for that committee, and each person who opted in (EmailSettings.digest) for
    the committees they sit on or, sitting on none of the plan's, for all of them."""
    committees = list(Committee.objects.filter(actions__plan=plan).distinct().order_by("name"))
    found = {}
    for committee in committees:
        for person in (committee.chair, committee.vice_chair):
            if person is not None:
                found.setdefault(person, []).append(committee)
    for person in User.objects.filter(email_settings__digest=True):
        mine = set(sits_on(person).values_list("pk", flat=True))
        theirs = [c for c in committees if c.pk in mine]
        for committee in theirs or committees:
            if committee not in found.setdefault(person, []):
                found[person].append(committee)
    return {
        person: sorted(chosen, key=lambda c: c.name)
        for person, chosen in found.items()
        if person.is_active and person.email
    }


def latest_closed_month(plan):
    """The month of the plan's latest closed round, or None."""
    round_ = Round.objects.filter(plan=plan, closed_at__isnull=False).order_by("-month").first()
    return round_ and round_.month


def email_context(plan, person, committees, month):
    """What the digest templates (emails/digest.*) show `person` of `committees` in `plan`
    (with its months, alerts.with_months) for `month`."""
    today = timezone.localdate()
    return {
        "person": person,
        "plan": plan,
        "month": month,
        "positions": [position(plan, c, month, today=today) for c in committees],
        "today": today,
        "site": settings.SITE_URL,
        "action_url": settings.SITE_URL + action_url(plan.slug),
        "settings_link": settings.SITE_URL + reverse("plans:email_settings"),
        "service_name": settings.SERVICE_NAME,
    }


@task()
def send_digests(plan_id, month):
    """Queue the digest of `month` (YYYY-MM-DD) for each recipient. Returns how many."""
    plan = Plan.objects.get(pk=plan_id)
    people = recipients(plan)
    for person in people:
        send_digest.enqueue(plan_id, person.pk, month)
    return len(people)


@task()
def send_digest(plan_id, user_id, month):
    """Email one person the digest of `month` for their committees, unless it went already.
    Returns whether an email went."""
    month = datetime.date.fromisoformat(month)
    with transaction.atomic():
        plan = alerts.with_months(Plan.objects.get(pk=plan_id))
        person = User.objects.get(pk=user_id)
        committees = recipients(plan).get(person)
        if not committees:
            return False
        try:
            with transaction.atomic():
                Digest.objects.create(
                    plan=plan,
                    user=person,
                    month=month,
                    committees="\n".join(c.name for c in committees),
                )
        except IntegrityError:
            log.info("digest plan=%s user=%s month=%s already sent", plan_id, user_id, month)
            return False
        context = email_context(plan, person, committees, month)
        subject = render_to_string("emails/digest_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject, render_to_string("emails/digest.txt", context), to=[person.email]
        )
        message.attach_alternative(render_to_string("emails/digest.html", context), "text/html")
        message.send()
    log.info("digest plan=%s user=%s month=%s sent", plan_id, user_id, month)
    return True
