"""A report's life: asked for, built by a task (reports/tasks.py), checked, published. Each
step is one function that writes in one transaction, and each checks the report is still in
the state it expects, so a double click, a retried task or a second worker changes nothing
twice.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans.models import Committee, Plan
from reports import wording
from reports.models import Meeting, Report
from reports.periods import Period
from reports.tasks import build_report, publish_report
from tracker.models import User

State = Report.State


def request_report(
    *,
    plan: Plan,
    period: Period,
    committee: Committee | None = None,
    meeting: Meeting | None = None,
    by: User,
) -> Report:
    """Queue a report for building. Asking again for one that is still a draft builds that
    draft again (unless it is being built now) rather than adding another; so does asking at
    the same moment as someone else, whose draft the database's one-draft rule keeps."""
    with transaction.atomic():
        report, created = Report.objects.exclude(state=State.PUBLISHED).get_or_create(
            plan=plan,
            kind=period.kind,
            period=period.code,
            committee=committee,
            defaults={"meeting": meeting, "created_by": by},
        )
        if created:
            _queue(report)
            return report
        if report.meeting != meeting:
            report.meeting = meeting
            report.save(update_fields=["meeting"])
        build_again(report)
    return report


def build_again(report: Report) -> bool:
    """Queue a draft to be built again from today's data: after a failure, a lost worker,
    or updates written since. Returns False if the report was not in a state to rebuild."""
    if not report.can_build_again:
        return False
    changed = (
        Report.objects.filter(pk=report.pk, state=report.state, attempts=report.attempts)
        .exclude(state=State.PUBLISHED)
        .update(state=State.QUEUED, failure_reason="", started_at=None, finished_at=None)
    )
    if changed:
        _queue(report)
    return bool(changed)


def _queue(report: Report) -> None:
    # Enqueued in the caller's transaction, if any: with the database backend the task row
    # and the report row are committed together, so a worker never looks for a report that
    # is not there yet. With the immediate backend (tests) the build runs right here.
    build_report.enqueue(report.pk)


def publish(report: Report, *, by: User, sha256: str) -> Report:
    """Publish a ready report: freeze its snapshot and words and queue the task that renders
    the same snapshot without the draft mark and releases that file (reports.tasks).

    `sha256` is the checksum of the draft the clerk checked; if the draft was built again
    since, nothing is published. The draft is read back against its checksum first."""
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.state != State.READY:
            raise ValidationError("Only a report that is ready to check can be published.")
        if not current.draft_sha256:
            raise ValidationError(
                "This draft was built before drafts were marked. Build the report again."
            )
        if current.draft_sha256 != sha256:
            raise ValidationError(
                "The report was built again since you opened it. Check the new version "
                "before publishing."
            )
        if wording.changed_since_build(current):
            raise ValidationError(
                "The commentary or cover report was changed since this draft was built. "
                "Build it again and check the new version before publishing."
            )
        with current.draft_file.open("rb") as opened:
            if hashlib.sha256(opened.read()).hexdigest() != sha256:
                raise ValidationError(
                    "The stored draft does not match its checksum. Build the report again."
                )
        current.state = State.PUBLISHING
        current.started_at = timezone.now()
        current.save(update_fields=["state", "started_at"])
        # As with building: enqueued with this transaction; the immediate backend (tests)
        # publishes right here.
        publish_report.enqueue(current.pk, by.pk)
    current.refresh_from_db()
    return current
