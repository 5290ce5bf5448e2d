"""Running monthly update rounds: open, extend, close and reopen them; when reminders fall
due. Each write is one transaction and names who made it, which the round's history
(django-simple-history) keeps. Who still owes an update is plans/owing.py."""

import datetime
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans import dates, digests, locks, tasks, versions
from plans.models import Action, Plan, Reminder, Round, Status, Update
from tracker.models import User


def _save(round_: Round, by: User) -> Round:
    # simple-history records the user from the request; functions run by tasks and commands
    # have none, so name the user explicitly.
    round_._history_user = by  # type: ignore[attr-defined]  # simple-history reads it
    round_.save()
    # Pages show which month is open and what is due, so cached views of the plan go stale.
    versions.plan_changed(round_.plan_id)
    return round_


@transaction.atomic
def open_round(*, plan: Plan, month: datetime.date, due: datetime.date, by: User) -> Round:
    """Open the round for `month` (the first of a month), due by `due`, and send each officer
    with actions to update the "round opened" reminder."""
    if month.day != 1:
        raise ValidationError({"month": "Choose a month"})
    if not dates.in_range(month):
        raise ValidationError({"month": dates.out_of_range(month)})
    if due < month:
        raise ValidationError({"due": "The due date must be in or after the month reported on"})
    if Round.objects.filter(plan=plan, month=month).exists():
        raise ValidationError(
            {"month": f"There is already a {month:%B %Y} round. Reopen it rather than start again"}
        )
    if (current := Round.objects.filter(plan=plan).open().first()) is not None:
        raise ValidationError({"month": f"Close the {current.month:%B %Y} round first"})
    round_ = _save(Round(plan=plan, month=month, due=due, opened_by=by), by)
    tasks.send_round_reminders.enqueue(round_.pk, Reminder.Kind.OPENED)
    return round_


@transaction.atomic
def extend_round(*, round_: Round, due: datetime.date, by: User) -> Round:
    """Give officers until `due` instead."""
    _lock(round_)
    if not round_.is_open:
        raise ValidationError({"due": "Reopen the round before extending it"})
    if due <= round_.due:
        raise ValidationError(
            {"due": f"The new due date must be after {round_.due:%-d %B %Y}, the current one"}
        )
    round_.due = due
    return _save(round_, by)


def _lock(round_: Round) -> None:
    """Take the round's row lock (plans/locks.py) and read it afresh into `round_`, so a
    change of state is made to the round as it is, not as the caller last saw it."""
    locks.round_for(round_.plan_id, round_.month)
    round_.refresh_from_db()


@transaction.atomic
def close_round(*, round_: Round, by: User) -> Round:
    """Lock the round's updates; from now on only performance officers correct them, and
    send the month's committee digests.

    Takes the round's row lock, as every save in it does: a save under way finishes first,
    and any later one finds the round closed. Returns the round as closed."""
    _lock(round_)
    if not round_.is_open:
        raise ValidationError("The round is already closed")
    round_.closed_at = timezone.now()
    round_.closed_by = by
    _save(round_, by)
    # The month's words are final: chairs and vice-chairs get their committees' digest, once
    # each however often the round is closed (plans/digests.py).
    transaction.on_commit(
        lambda: digests.send_digests.enqueue(round_.plan_id, round_.month.isoformat())
    )
    return round_


@transaction.atomic
def reopen_round(*, round_: Round, by: User, reason: str) -> Round:
    """Let officers write again in a closed round; the `reason` is kept in its history."""
    _lock(round_)
    if round_.is_open:
        raise ValidationError({"reason": "The round is open already"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the round is being reopened"})
    if (current := Round.objects.filter(plan=round_.plan_id).open().first()) is not None:
        raise ValidationError({"reason": f"Close the {current.month:%B %Y} round first"})
    round_.closed_at = None
    round_.closed_by = None
    round_.reopen_reason = reason.strip()
    return _save(round_, by)


def progress(round_: Round) -> tuple[int, int]:
    """(updated, still needed) counts of the round's rateable actions."""
    rateable = Action.objects.rateable(round_.plan)
    needed = Action.objects.needing_update(round_).count()
    return rateable.count() - needed, needed


def rollup(parent: Action, month: datetime.date) -> tuple[list[tuple[Status, int]], int]:
    """[(status, count)] of the parent's children's updates for `month`, in the plan's order,
    and how many children have none yet. Two queries."""
    children = list(parent.children.values_list("pk", flat=True))
    updates = Update.objects.filter(action__in=children, month=month).select_related("status")
    counts = Counter(update.status for update in updates)
    ordered = sorted(counts.items(), key=lambda item: (item[0].sort_order, item[0].pk))
    return ordered, len(children) - sum(counts.values())


def reminder_due(round_: Round, today: datetime.date) -> Reminder.Kind | None:
    """Which scheduled reminder (a Reminder.Kind) the round calls for on `today`, or None.

    The day after the due date and every day after: overdue. From REMINDER_DAYS_BEFORE_DUE
    days before until the due date: due soon. Earlier: the "round opened" one, which catches
    officers given an action after the round opened. Each goes to a person once per round, so
    running this daily sends each reminder once, and a missed day is caught up the next.
    """
    if not round_.is_open:
        return None
    if today > round_.due:
        return Reminder.Kind.OVERDUE
    if today >= round_.due - datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE_DUE):
        return Reminder.Kind.DUE_SOON
    return Reminder.Kind.OPENED


def history(round_: Round) -> list[tuple[datetime.datetime, User | None, str]]:
    """[(when, who, what happened)] for the round, newest first, from its saved history."""
    events = []
    before = None
    for record in round_.history.select_related("history_user").order_by("history_date", "pk"):
        if before is None:
            what = [f"opened, due by {record.due:%-d %B %Y}"]
        else:
            what = []
            if record.closed_at and not before.closed_at:
                what.append("closed")
            if before.closed_at and not record.closed_at:
                what.append(f"reopened: “{record.reopen_reason}”")
            if record.due != before.due:
                what.append(f"due date moved from {before.due:%-d %B %Y} to {record.due:%-d %B %Y}")
        if what:
            events.append((record.history_date, record.history_user, "; ".join(what)))
        before = record
    return events[::-1]
