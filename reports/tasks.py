"""Building reports off the request: WeasyPrint takes seconds, a page must not wait for it.

reports/workflow.py queues the build (asking for a report, building it again) and the
publishing; the two steps a worker runs are here beside their tasks. Like the other steps
each checks the report is still in the state it expects, so a retried task or a second
worker changes nothing twice.
"""

import logging
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from reports import compose, pdf, wording
from reports.models import Report

log = logging.getLogger(__name__)
State = Report.State


@task()
def build_report(report_id: int) -> str | None:
    """Build one queued report: compose the snapshot and render it as the draft, then store
    the PDF, its checksum and the snapshot and mark it ready, all at once; on any error mark
    it failed with the reason. The file to publish is rendered when publishing.
    Returns the state it left the report in ("ready" or "failed"), or None when there was
    nothing to do (built already, or taken by another worker)."""
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
        draft = pdf.render(snapshot, draft=True)
        stored = _finish(
            report,
            expected=State.RUNNING,
            state=State.READY,
            snapshot=snapshot,
            files={"draft_file": draft.pdf},
            draft_sha256=draft.sha256,
            draft_size=len(draft.pdf),
            pages=draft.pages,
        )
    except Exception as error:
        # Storing rolled back with its transaction, so the report points at no new file.
        log.exception("Report %s failed to build", report_id)
        _finish(report, expected=State.RUNNING, state=State.FAILED, failure_reason=describe(error))
        return State.FAILED
    return State.READY if stored else None


@task()
def publish_report(report_id: int, by_id: int) -> str | None:
    """Publish a report whose draft was confirmed (reports.workflow.publish): render its stored
    snapshot again without the draft mark, check it has the draft's pages, and store that file
    and its checksum as published, all at once. On any error it is marked failed with the
    reason, to be built and published again. Returns the state it left the report in
    ("published" or "failed"), or None when there was nothing to do."""
    report = Report.objects.filter(pk=report_id, state=State.PUBLISHING).first()
    if report is None:
        return None  # published already, or built again since
    try:
        final = pdf.render(report.snapshot)
        if final.pages != report.pages:
            raise RuntimeError(
                f"The draft has {report.pages} pages and the file to publish {final.pages}: "
                "the draft mark moved something."
            )
        stored = _finish(
            report,
            expected=State.PUBLISHING,
            state=State.PUBLISHED,
            files={"file": final.pdf},
            sha256=final.sha256,
            size=len(final.pdf),
            published_by_id=by_id,
            published_at=timezone.now(),
        )
    except Exception as error:
        log.exception("Report %s failed to publish", report_id)
        reason = f"Publishing failed, so nothing was published. {describe(error)}"
        _finish(report, expected=State.PUBLISHING, state=State.FAILED, failure_reason=reason)
        return State.FAILED
    return State.PUBLISHED if stored else None


def _finish(
    report: Report, *, expected: str, files: dict[str, bytes] | None = None, **values: Any
) -> bool:
    """Write the outcome of this step, unless the report left the `expected` state or someone
    started another build meanwhile.

    `files` maps file fields to their new content. Each PDF goes to a new file name and the
    row is pointed at it in the same transaction, so a step killed part way never leaves a
    report pointing at a half-written file."""
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.state != expected or current.attempts != report.attempts:
            return False
        for name, content in (files or {}).items():
            stored = getattr(current, name)
            old_file, storage = stored.name, stored.storage
            stored.save(current.download_name, ContentFile(content), save=False)
            if old_file:
                transaction.on_commit(partial(storage.delete, old_file))
        for name, value in values.items():
            setattr(current, name, value)
        current.finished_at = timezone.now()
        current.save()
    return True


def describe(error: BaseException) -> str:
    """The reason a build failed, in a line a clerk can pass on."""
    return f"{type(error).__name__}: {error}"[:1000]
