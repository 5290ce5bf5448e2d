"""A report's life: asked for, built by a task, checked, published. Each step is one function
that writes in one transaction, and each checks the report is still in the state it expects,
so a double click, a retried task or a second worker changes nothing twice.
"""

import hashlib
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reports import compose, pdf, wording
from reports.models import Report

log = logging.getLogger(__name__)
State = Report.State


def request_report(*, plan, period, committee=None, meeting=None, by) -> Report:
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


def build_again(report):
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


def _queue(report):
    from reports.tasks import build_report

    # Enqueued in the caller's transaction, if any: with the database backend the task row
    # and the report row are committed together, so a worker never looks for a report that
    # is not there yet. With the immediate backend (tests) the build runs right here.
    build_report.enqueue(report.pk)


def build(report_id):
    """Compose and render one queued report, then store the PDF, its checksum and snapshot
    and mark it ready, all at once; on any error mark it failed with the reason. Returns the
    state it left the report in, or None when there was nothing to do."""
    claimed = Report.objects.filter(pk=report_id, state=State.QUEUED).update(
        state=State.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None  # built already, published, or taken by another worker
    report = Report.objects.select_related("plan", "committee", "meeting__committee").get(
        pk=report_id
    )
    try:
        snapshot = compose.compose(
            plan=report.plan,
            period=report.period_obj,
            committee=report.committee,
            meeting=report.meeting,
            words=wording.snapshot(report),
        )
        rendered = pdf.render(snapshot)
        stored = _finish(
            report,
            state=State.READY,
            snapshot=snapshot,
            content=rendered.pdf,
            sha256=rendered.sha256,
            size=len(rendered.pdf),
            pages=rendered.pages,
        )
    except Exception as error:
        # Storing rolled back with its transaction, so the report points at no new file.
        log.exception("Report %s failed to build", report_id)
        _finish(report, state=State.FAILED, failure_reason=describe(error))
        return State.FAILED
    return State.READY if stored else None


def _finish(report, *, content=None, **values):
    """Write the outcome of this build, unless someone started another build meanwhile.

    The PDF goes to a new file name and the row is pointed at it in the same transaction, so
    a build killed part way never leaves a report pointing at a half-written file."""
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.state != State.RUNNING or current.attempts != report.attempts:
            return False
        if content is not None:
            old_file, storage = current.file.name, current.file.storage
            current.file.save(current.download_name, ContentFile(content), save=False)
            if old_file:
                transaction.on_commit(lambda: storage.delete(old_file))
        for name, value in values.items():
            setattr(current, name, value)
        current.finished_at = timezone.now()
        current.save()
    return True


def describe(error):
    """The reason a build failed, in a line a clerk can pass on."""
    return f"{type(error).__name__}: {error}"[:1000]


def publish(report, *, by, sha256):
    """Publish a ready report: its stored PDF, checksum and snapshot become final.

    `sha256` is the checksum of the version the clerk checked; if the draft was built
    again since, nothing is published."""
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.state != State.READY:
            raise ValidationError("Only a report that is ready to check can be published.")
        if current.sha256 != sha256:
            raise ValidationError(
                "The report was built again since you opened it. Check the new version "
                "before publishing."
            )
        if wording.changed_since_build(current):
            raise ValidationError(
                "The commentary or cover report was changed since this draft was built. "
                "Build it again and check the new version before publishing."
            )
        with current.file.open("rb") as stored:
            if hashlib.sha256(stored.read()).hexdigest() != current.sha256:
                raise ValidationError(
                    "The stored PDF does not match its checksum. Build the report again."
                )
        current.state = State.PUBLISHED
        current.published_by = by
        current.published_at = timezone.now()
        current.save(update_fields=["state", "published_by", "published_at"])
    return current
