"""Writing progress: every saved wording of an update is kept, and a save made against an
out-of-date version is refused rather than silently overwriting someone else's words.

`save_update` is the low-level writer (the demo seed and workbook imports call it). People's
saves go through `submit_update`, which also asks the permission policy, keeps closed rounds
locked for everyone but performance officers, insists on evidence where the status needs it,
records whose delegate wrote it, and files the update for sign-off when the plan asks for one.
Every writer takes its row locks in the order plans/locks.py sets, so saves that meet queue.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from plans import alerts, locks, ratings, versions
from plans.evidence import checksum
from plans.models import (
    Action,
    Evidence,
    Review,
    Round,
    Status,
    StatusMonth,
    Update,
    UpdateRevision,
)
from tracker import policy
from tracker.models import User


class Conflict(Exception):
    """Someone else saved this update since the writer loaded it."""

    def __init__(self, current: Model | None) -> None:
        super().__init__(f"{current} was changed by someone else")
        self.current = current


class Locked(Exception):
    """The month's round is closed (or there is none) and the writer may not correct it."""


REVISED_FIELDS = [
    "status",
    "narrative",
    "no_change",
    "projected_completion",
    "suggested_status",
    "signature",
]


@transaction.atomic
def save_update(
    *,
    action: Action,
    month: datetime.date,
    status: Status,
    narrative: str,
    author: User | None = None,
    on_behalf_of: User | None = None,
    no_change: bool = False,
    projected_completion: datetime.date | None = None,
    suggested_status: Status | None = None,
    signature: str | None = None,
    imported: bool = False,
    approval: str = Update.Approval.APPROVED,
    expected_version: int | None = None,
    reason: str = "",
    confirmed_warnings: str = "",
    when: datetime.datetime | None = None,
) -> tuple[Update, bool]:
    """Create or revise the update of `action` for `month`, keeping every earlier wording.

    `expected_version` is the version the writer saw (0 if they saw no update); when someone
    else has saved since, Conflict is raised and nothing is written. Returns (update, changed):
    saving the same words again writes nothing and returns changed=False. Without an explicit
    `signature` the author's initials and today's date sign it, and a new day's date alone is
    not a change.
    """
    when = when or timezone.now()
    values = {
        "status": status,
        "narrative": narrative,
        "no_change": no_change,
        "projected_completion": projected_completion,
        "suggested_status": suggested_status,
    }
    compared = list(values)
    if signature is None:
        signature = Update.sign(author, timezone.localtime(when)) if author else ""
    else:
        compared.append("signature")
    values["signature"] = signature
    update, created = locks.entry(
        Update,
        action=action,
        month=month,
        defaults={
            "author": author,
            "on_behalf_of": on_behalf_of,
            "imported": imported,
            "approval": approval,
            "updated_at": when,
            "version": 1,
            **values,
        },
    )
    if created:
        if expected_version not in (None, 0):
            raise Conflict(None)  # what they saw has gone; the rollback undoes the creation
    else:
        # The same words again change nothing, even from a stale page (a resubmitted form).
        if update.approval == approval and all(
            getattr(update, name) == values[name] for name in compared
        ):
            return update, False
        if expected_version is not None and expected_version != update.version:
            raise Conflict(update)
        for name, value in values.items():
            setattr(update, name, value)
        update.author = author
        update.on_behalf_of = on_behalf_of
        update.imported = imported
        update.approval = approval
        update.updated_at = when
        update.version += 1
        update.save()
    UpdateRevision.objects.create(
        update=update,
        version=update.version,
        author=author,
        on_behalf_of=on_behalf_of,
        imported=imported,
        reason=reason,
        confirmed_warnings=confirmed_warnings,
        for_sign_off=approval != Update.Approval.APPROVED,
        saved_at=when,
        **values,
    )
    StatusMonth.objects.rebuild([action.pk])
    versions.progress_changed(action)
    if not imported:  # a workbook's history is not news
        alerts.update_saved(update)
    return update, True


def lock_reason(user: User, month: datetime.date, round_: Round | None) -> str:
    """Why `user` may not write an update for `month` now, or "" when they may.

    `round_` is the plan's round for that month (None when there is none). Once a round closes
    its updates are locked; performance officers may still correct them, and their corrections
    are revisions like any other save.
    """
    if policy.may_run(user):
        return ""
    if round_ is None:
        return f"There is no update round for {month:%B %Y}, so its updates are not open."
    if not round_.is_open:
        closed = timezone.localtime(round_.closed_at)
        return (
            f"The {month:%B %Y} update round closed on {closed:%-d %B %Y}, so its updates are "
            "locked. Ask a performance officer if something needs correcting."
        )
    return ""


def is_correction(user: User, round_: Round | None) -> bool:
    """Is this a performance officer changing a month whose round is closed (or never ran)?
    Corrections need a reason, kept with the revision."""
    return policy.may_run(user) and (round_ is None or not round_.is_open)


def writing_for(user: User, action_ids: list[int]) -> dict[int, User | None]:
    """{action id: the officer `user` writes for as their delegate, or None when writing as
    themselves} for each id. Two queries, plus one per person who named `user` delegate."""
    result = dict.fromkeys(action_ids)
    own = set(Action.objects.held_by([user]).filter(pk__in=action_ids).values_list("pk", flat=True))
    others = [pk for pk in action_ids if pk not in own]
    if not others or policy.may_run(user):
        return result
    for delegator in user.delegators.all():
        held = (
            Action.objects.held_by([delegator]).filter(pk__in=others).values_list("pk", flat=True)
        )
        for pk in held:
            result[pk] = result[pk] or delegator
    return result


@transaction.atomic
def submit_update(
    *, action: Action, month: datetime.date, by: User, **fields: Any
) -> tuple[Update, bool]:
    """Save `by`'s update of `action` for `month`, as people do through the forms.

    `fields` are status, narrative, and optionally no_change, projected_completion,
    expected_version, reason, confirmed_warnings, evidence (a list of dicts with `file` and its
    `kind` from plans.evidence.check, or `link`, and a `description`), and statuses (the plan's
    vocabulary) and has_children, which save queries when known.

    Raises PermissionDenied when `by` may not update the action, Locked when the month's round
    is closed to them, Conflict when someone saved since `expected_version`, and
    ValidationError (keyed by form field) when a rule is broken. Returns (update, changed);
    `update.already_attached` names the evidence it had already, which was not added again.
    """
    if not policy.may_update(by, action):
        raise PermissionDenied
    on_behalf_of = writing_for(by, [action.pk])[action.pk]
    # The round's row lock comes first (plans/locks.py); from here to the commit the round
    # cannot close under the save, and a save meeting this one waits here.
    return _submit(
        action=action,
        month=month,
        by=by,
        round_=locks.round_for(action.plan_id, month),
        on_behalf_of=on_behalf_of,
        **fields,
    )


def _submit(
    *,
    action: Action,
    month: datetime.date,
    by: User,
    round_: Round | None,
    on_behalf_of: User | None,
    status: Status,
    narrative: str,
    no_change: bool = False,
    projected_completion: datetime.date | None = None,
    expected_version: int | None = None,
    reason: str = "",
    confirmed_warnings: str = "",
    evidence: Sequence[dict[str, Any]] = (),
    statuses: list[Status] | None = None,
    has_children: bool | None = None,
    when: datetime.datetime | None = None,
) -> tuple[Update, bool]:
    """The rules and the save behind submit_update, once the caller has asked the policy."""
    if reason_locked := lock_reason(by, month, round_):
        raise Locked(reason_locked)
    if is_correction(by, round_) and not reason.strip():
        raise ValidationError({"reason": "Say why you are correcting a closed round"})
    if not action.rates_itself(has_children):
        raise ValidationError(
            {"status": "A focus action shows its sub-actions' progress instead of its own"}
        )
    if status.needs_evidence and not evidence and not evidence_stands(action, month, status):
        raise ValidationError(
            {"status": f"“{status.label}” needs evidence: upload a file or give a link"}
        )
    if no_change and not narrative.strip():
        previous = previous_update(action, month)
        if previous is None:
            raise ValidationError({"no_change": "There is no earlier update to carry forward"})
        narrative = previous.narrative
    if statuses is None:
        statuses = list(action.plan.statuses.offered())
    suggested = ratings.suggest(
        statuses, ratings.deadline(action.due_date, action.due_text), projected_completion
    )
    approval = Update.Approval.APPROVED
    if policy.needs_sign_off(by, action):
        approval = Update.Approval.SUBMITTED
    update, changed = save_update(
        action=action,
        month=month,
        status=status,
        narrative=narrative,
        no_change=no_change,
        projected_completion=projected_completion,
        suggested_status=suggested,
        author=by,
        on_behalf_of=on_behalf_of,
        approval=approval,
        expected_version=expected_version,
        reason=reason.strip(),
        confirmed_warnings=confirmed_warnings,
        when=when,
    )
    added = _attach(update, evidence, by)
    if added and not changed:
        versions.progress_changed(action)  # new evidence alone still changes what readers see
    return update, changed or added


def _attach(update: Update, evidence: Sequence[dict[str, Any]], by: User) -> bool:
    """Add each item of `evidence` to `update`, but for those it has already (the same file
    content, or the same link): a form sent again stores no second copy. Sets
    `update.already_attached` to their names; returns whether anything was added."""
    already: list[str] = []
    for item in evidence:
        upload = item.get("file")
        link = item.get("link", "")
        digest = checksum(upload) if upload else ""
        same = Q(sha256=digest) if upload else Q(link=link, file="")
        if Evidence.objects.filter(same, update=update).exists():
            already.append(upload.name if upload else link)
            continue
        Evidence.objects.create(
            update=update,
            file=upload or "",
            filename=upload.name if upload else "",
            content_type=item["kind"].content_type if upload else "",
            size=upload.size if upload else None,
            sha256=digest,
            link=link,
            description=item.get("description", ""),
            added_by=by,
        )
    update.already_attached = already  # type: ignore[attr-defined]  # submit_update's promise
    return len(already) < len(evidence)


def evidence_stands(action: Action, month: datetime.date, status: Status) -> bool:
    """Does `action` have evidence for `status` as at `month`: on the month's own update, or
    on the updates before it that have had `status` without a break? So a Closed action's
    evidence carries on with it, month after month, until someone chooses another status.
    Two queries."""
    other = (
        Update.objects.filter(action=action, month__lt=month)
        .exclude(status=status)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    run = Q(update__status=status, update__month__lt=month)
    if other is not None:
        run &= Q(update__month__gt=other)
    return Evidence.objects.filter(Q(update__month=month) | run, update__action=action).exists()


def previous_update(action: Action, month: datetime.date) -> Update | None:
    """The action's latest update before `month`, or None."""
    return (
        Update.objects.filter(action=action, month__lt=month)
        .select_related("status")
        .order_by("-month")
        .first()
    )


def confirmed_warnings(update: Update | None) -> set[str]:
    """The date warnings anyone confirmed on any saved wording of `update` (None: no update)."""
    if update is None:
        return set()
    saved = update.revisions.exclude(confirmed_warnings="")
    return {
        line
        for text in saved.values_list("confirmed_warnings", flat=True)
        for line in text.splitlines()
    }


def may_update_all(user: User, actions: Iterable[Action]) -> bool:
    """policy.may_update's answer for every one of `actions` at once, in at most one query."""
    if not policy.may_update_any(user):
        return False
    if policy.may_run(user):
        return True
    ids = {action.pk for action in actions}
    allowed = Action.objects.updatable_by(user).filter(pk__in=ids).order_by()
    return set(allowed.values_list("pk", flat=True)) == ids


@transaction.atomic
def submit_many(
    *, by: User, month: datetime.date, rows: list[dict[str, Any]], statuses: list[Status]
) -> dict[int, tuple[Update | None, Exception | None]]:
    """Save several of `by`'s updates for `month` at once. Each row is a dict of
    submit_update's fields and its `action`. The permission and delegation are looked up, and
    the round locked, once for all rows; each row is then saved or refused in its own
    savepoint, so one row's problem never loses the others.

    Raises PermissionDenied, writing nothing, if any row is outside the writer's reach.
    Returns {action id: (update, None)} for saved rows and {action id: (None, exception)} for
    refused ones (Conflict, Locked or ValidationError).
    """
    actions = [row["action"] for row in rows]
    if not may_update_all(by, actions):
        raise PermissionDenied
    writers = writing_for(by, [action.pk for action in actions])
    rounds = {
        plan_id: locks.round_for(plan_id, month) for plan_id in sorted({a.plan_id for a in actions})
    }
    results: dict[int, tuple[Update | None, Exception | None]] = {}
    for row in rows:
        action = row["action"]
        try:
            with transaction.atomic():
                update, _ = _submit(
                    by=by,
                    month=month,
                    statuses=statuses,
                    round_=rounds[action.plan_id],
                    on_behalf_of=writers[action.pk],
                    **row,
                )
        except (Conflict, Locked, ValidationError) as problem:
            results[action.pk] = (None, problem)
        else:
            results[action.pk] = (update, None)
    return results


@transaction.atomic
def review_update(
    *, update: Update, by: User, decision: str, note: str = "", expected_version: int
) -> Update:
    """Approve or return (with a `note` saying why) the version of `update` the reviewer read.

    Raises PermissionDenied unless `by` may approve it, Conflict when it changed since they
    read it, and ValidationError when it is not awaiting sign-off or a return has no note.
    """
    locks.round_for(update.action.plan_id, update.month)
    update = (
        Update.objects.select_for_update(of=("self",))
        .select_related("action__director", "author")
        .get(pk=update.pk)
    )
    if not policy.may_approve(by, update.action, update.author):
        raise PermissionDenied
    if update.version != expected_version:
        raise Conflict(update)
    if update.approval != Update.Approval.SUBMITTED:
        raise ValidationError(
            {"decision": f"This update is not awaiting sign-off ({update.get_approval_display()})"}
        )
    if decision == Review.Decision.RETURNED and not note.strip():
        raise ValidationError({"note": "Say what needs changing, so the officer knows"})
    Review.objects.create(
        update=update, version=update.version, decision=decision, note=note.strip(), by=by
    )
    update.approval = decision
    update.save(update_fields=["approval"])
    StatusMonth.objects.rebuild([update.action_id])  # signed off, every reader now sees it
    versions.progress_changed(update.action)
    alerts.update_saved(update)  # now signed off: everyone else may be told
    return update
