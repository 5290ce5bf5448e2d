"""Running an ImportJob: the preview on upload, the real import as a background task, and
deleting what old imports leave behind."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from plans.excel.load import ImportBlocked, PreviewStale, header_synonyms, load_workbook
from plans.excel.measures import read_measure_sheets
from plans.excel.read import ImportFileError, read_workbook
from plans.models import ImportJob, Plan

log = logging.getLogger(__name__)


def run(job, *, dry_run, progress=None):
    """Read the job's workbook and load it, or preview loading it; return the preview dict.

    The real import does only what the job's preview showed. Raises ImportFileError when the
    file cannot be read at all, and PreviewStale when the plan has changed since the preview.
    """
    with job.file.open("rb") as file:
        result = read_workbook(
            file,
            name=job.filename,
            max_bytes=settings.IMPORT_MAX_BYTES,
            synonyms=header_synonyms(job.plan, job.header_mapping),
            skip_sheets=job.skipped_sheets,
        )
        measures = read_measure_sheets(
            file, result, decisions=job.header_mapping, max_bytes=settings.IMPORT_MAX_BYTES
        )
    try:
        preview = load_workbook(
            result=result,
            plan=job.plan,
            new_plan=job.new_plan_name,
            mapping=job.status_mapping,
            decisions=job.header_mapping,
            user=job.uploaded_by,
            dry_run=dry_run,
            source=job.filename,
            progress=progress,
            expected=None if dry_run else job.preview,
            measures=measures,
        )
    except PreviewStale:
        raise
    except ImportBlocked as blocked:
        return {**blocked.preview.as_dict(), "blocked": True}
    return {**preview.as_dict(), "blocked": False}


def preview(job, progress=None):
    """Fill in job.preview, or job.message when the file cannot be read or checked."""
    try:
        job.preview = run(job, dry_run=True, progress=progress)
        job.message = ""
        job.state = ImportJob.State.PREVIEWED
    except ImportFileError as error:
        job.preview = {}
        job.message = str(error)
        job.state = ImportJob.State.FAILED
    except Exception as error:  # noqa: BLE001 - whatever went wrong, the person must see it
        log.exception("checking import %s failed", job.pk)
        job.preview = {}
        job.message = f"The workbook could not be checked: {error}"
        job.state = ImportJob.State.FAILED
    job.save()


@task()
def preview_job(job_id):
    """Check a big workbook off the request; the page shows progress meanwhile."""
    job = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.CHECKING).first()
    if job is None:
        return

    def progress(percent):
        ImportJob.objects.filter(pk=job.pk).update(progress=percent)

    preview(job, progress)


@task()
def import_job(job_id):
    """The confirmed import, off the request so a big workbook shows a progress bar."""
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
            state=ImportJob.State.RUNNING, progress=0
        )
    if not claimed:
        return  # already run, or withdrawn
    job = ImportJob.objects.get(pk=job_id)

    def progress(percent):
        ImportJob.objects.filter(pk=job.pk).update(progress=percent)

    try:
        job.preview = run(job, dry_run=False, progress=progress)
        job.state = ImportJob.State.DONE
        job.plan = job.plan or Plan.objects.get(slug=job.preview["plan"])
        job.message = ""
    except PreviewStale as stale:
        # Back to a preview of what the import would do now, for the administrator to check.
        job.state = ImportJob.State.PREVIEWED
        job.preview = {**stale.preview.as_dict(), "blocked": stale.preview.blocked}
        job.message = (
            "Nothing was imported: since the preview was made, "
            + "; ".join(stale.changes)
            + ". This is a fresh preview of what the import would do now: check it and "
            "confirm again."
        )
        job.save()
        return
    except Exception as error:  # noqa: BLE001 - whatever went wrong, the person must see it
        log.exception("import %s failed", job.pk)
        job.state = ImportJob.State.FAILED
        job.message = f"The import failed and nothing was written: {error}"
    job.progress = 100
    job.finished_at = timezone.now()
    job.save()


def delete_old(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete what imports leave behind after IMPORT_RETENTION_HOURS: jobs never confirmed
    (refused, failed, or previewed and left), with their uploaded files; and the uploaded file
    of a confirmed import, whose record (who, when, the file's name and everything it changed)
    stays, every change being kept in the plan's own history too. Imports waiting for or held
    by the task worker are left alone. Returns (jobs deleted, files deleted)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.IMPORT_RETENTION_HOURS)
    unconfirmed = ImportJob.objects.filter(
        created_at__lt=cutoff,
        state__in=[ImportJob.State.CHECKING, ImportJob.State.PREVIEWED, ImportJob.State.FAILED],
    )
    confirmed = ImportJob.objects.filter(state=ImportJob.State.DONE, finished_at__lt=cutoff)
    files = 0
    for job in [*unconfirmed, *confirmed.exclude(file="")]:
        if job.file:
            job.file.storage.delete(job.file.name)
            files += 1
    confirmed.update(file="")
    deleted, _ = unconfirmed.delete()
    return deleted, files
