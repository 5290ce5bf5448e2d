"""Writing a measure's values, with the rules of action updates (plans/updates.py): every saved
wording is kept, a save against an out-of-date version is refused, and people write only in the
open update round.

A round for a month asks each measure for the latest period complete by the end of that month
(rating.latest_complete): the month itself for a monthly measure, the quarter that ended then
or before for a quarterly one. `save_value` is the low-level writer (imports and the demo seed
call it); people's saves go through `submit_value`, which also asks the permission policy.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from plans import locks, versions
from plans.measures import rating
from plans.models import (
    Measure,
    MeasureTarget,
    MeasureValue,
    MeasureValueRevision,
    Round,
)
from plans.updates import Conflict, Locked
from tracker import policy

__all__ = [
    "Conflict",
    "Locked",
    "asked_period",
    "lock_reason",
    "owed_by",
    "save_value",
    "submit_value",
]


@transaction.atomic
def save_value(
    *,
    measure,
    period,
    value,
    commentary="",
    author=None,
    on_behalf_of=None,
    imported=False,
    expected_version=None,
    reason="",
    when=None,
):
    """Create or revise `measure`'s value for `period` (its first month), keeping every earlier
    wording. `expected_version` is the version the writer saw (0 for none): when someone else
    saved since, Conflict is raised and nothing is written. Returns (entry, changed); the same
    figure and words again write nothing."""
    if not rating.is_period_start(period, measure.frequency):
        raise ValidationError(
            {"period": f"{period:%B %Y} does not start a {measure.frequency} period"}
        )
    when = when or timezone.now()
    entry, created = locks.entry(
        MeasureValue,
        measure=measure,
        period=period,
        defaults={
            "value": value,
            "commentary": commentary,
            "author": author,
            "on_behalf_of": on_behalf_of,
            "imported": imported,
            "updated_at": when,
        },
    )
    if created:
        if expected_version not in (None, 0):
            raise Conflict(None)  # what they saw has gone; the rollback undoes the creation
    else:
        if entry.value == value and entry.commentary == commentary:
            return entry, False
        if expected_version is not None and expected_version != entry.version:
            raise Conflict(entry)
        entry.value = value
        entry.commentary = commentary
        entry.author = author
        entry.on_behalf_of = on_behalf_of
        entry.imported = imported
        entry.updated_at = when
        entry.version += 1
        entry.save()
    MeasureValueRevision.objects.create(
        entry=entry,
        version=entry.version,
        value=value,
        commentary=commentary,
        author=author,
        on_behalf_of=on_behalf_of,
        imported=imported,
        reason=reason,
        saved_at=when,
    )
    versions.figure_changed(measure.plan_id)
    return entry, True


def asked_period(measure, round_):
    """The period the open `round_` asks `measure` for, or None without an open round."""
    if round_ is None or not round_.is_open:
        return None
    return rating.latest_complete(round_.month, measure.frequency)


def lock_reason(user, measure, period, round_):
    """Why `user` may not write `measure`'s value for `period` now, or "" when they may.

    `round_` is the plan's open round, or None. Owners write the period the open round asks
    for; performance officers may also correct any other, giving a reason."""
    if policy.may_run(user):
        return ""
    label = measure.period_label(period)
    asked = asked_period(measure, round_)
    if asked is None:
        return f"No update round is open, so the {label} value cannot be entered now."
    if asked != period:
        return (
            f"The {round_.month:%B %Y} round asks for the {measure.period_label(asked)} value, "
            f"so {label} is locked. Ask a performance officer if something needs correcting."
        )
    return ""


def is_correction(user, measure, period, round_):
    """Is a performance officer writing a period the open round does not ask for? Corrections
    need a reason, kept with the revision."""
    return policy.may_run(user) and asked_period(measure, round_) != period


def _writing_for(user, measure):
    """The officer whose delegate `user` is, when `user` enters this value for them."""
    if policy.may_run(user) or measure.owner_id is None:
        return None
    if measure.owner.holders.filter(pk=user.pk).exists():
        return None
    return user.delegators.filter(posts=measure.owner_id).order_by("pk").first()


@transaction.atomic
def submit_value(
    *, measure, period, by, value, commentary, expected_version=None, reason="", when=None
):
    """Save `by`'s value of `measure` for `period`, as people do through the form.

    Raises PermissionDenied when `by` may not update the measure, Locked when the period is not
    open to them, Conflict when someone saved since `expected_version`, and ValidationError
    (keyed by form field) when a rule is broken: a correction needs a reason, and a value that
    misses its target needs a commentary saying why. Returns (entry, changed).
    """
    if not policy.may_update(by, measure):
        raise PermissionDenied
    round_ = locks.round_for(measure.plan_id)
    if reason_locked := lock_reason(by, measure, period, round_):
        raise Locked(reason_locked)
    if is_correction(by, measure, period, round_) and not reason.strip():
        raise ValidationError({"reason": "Say why you are correcting this value"})
    target = (
        MeasureTarget.objects.filter(measure=measure, period=period)
        .values_list("target", flat=True)
        .first()
    )
    if measure.rate(value, target) in ("amber", "red") and not commentary.strip():
        raise ValidationError(
            {"commentary": "Say why the figure misses its target and what is being done"}
        )
    return save_value(
        measure=measure,
        period=period,
        value=value,
        commentary=commentary.strip(),
        author=by,
        on_behalf_of=_writing_for(by, measure),
        expected_version=expected_version,
        reason=reason.strip(),
        when=when,
    )


def owed_by(user):
    """[(measure, period)]: the figures open rounds ask for that `user` may enter (their own
    measures and those of anyone who named them delegate) and nobody has entered yet. Three
    queries per open round."""
    owed = []
    for round_ in Round.objects.open().select_related("plan").order_by("plan__name"):
        found = list(
            Measure.objects.updatable_by(user).filter(plan=round_.plan).order_by("sort_order")
        )
        asked = {m.pk: rating.latest_complete(round_.month, m.frequency) for m in found}
        entered = set(
            MeasureValue.objects.filter(measure__in=found).values_list("measure_id", "period")
        )
        for measure in found:
            if (measure.pk, asked[measure.pk]) not in entered:
                measure.plan = round_.plan
                owed.append((measure, asked[measure.pk]))
    return owed
