"""Running an ImportJob of either kind, action plan or measures, on one spine: the preview on
upload (by the task worker when the workbook is big), the confirmed import as a background
task with progress, a fresh preview when the plan changed since the last one, and deleting
what old imports leave behind. IMPORTERS says how each kind of workbook is read and loaded;
nothing else here tells the kinds apart."""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from plans.excel import periods
from plans.excel.errors import ImportBlocked, ImportFileError, PreviewStale
from plans.excel.load import Preview, header_synonyms, load_workbook
from plans.excel.read import ReadResult, read_workbook
from plans.measures.workbook import (
    MeasuresPreview,
    MeasuresRead,
    load_measures,
    read_measure_sheets,
    read_measures,
)
from plans.models import ImportJob, Plan

log = logging.getLogger(__name__)


def _read_actions(job: ImportJob, file: BinaryIO) -> tuple[ReadResult, MeasuresRead | None]:
    """The workbook's ReadResult, and the MeasuresRead of its Measures sheets (or None)."""
    result = read_workbook(
        file,
        name=job.filename,
        max_bytes=settings.IMPORT_MAX_BYTES,
        synonyms=header_synonyms(job.plan, job.header_mapping),
        month=job.month,
        year=job.financial_year or periods.plan_year(job.plan),
        quarter_month=periods.plan_quarter_month(job.plan),
        skip_sheets=job.skipped_sheets,
    )
    return result, read_measure_sheets(file, result, job.plan)


def _load_actions(
    job: ImportJob, read: tuple[ReadResult, MeasuresRead | None], **run: Any
) -> Preview:
    result, measures = read
    return load_workbook(
        result=result,
        measures=measures,
        plan=job.plan,
        new_plan=job.new_plan_name,
        mapping=job.status_mapping,
        decisions=job.header_mapping,
        user=job.uploaded_by,
        source=job.filename,
        lead_officer_from=job.lead_officer_from,
        **run,
    )


def _read_measures(job: ImportJob, file: BinaryIO) -> MeasuresRead:
    assert job.plan is not None  # measures are always imported into a plan
    return read_measures(
        file,
        decisions=job.header_mapping,
        synonyms=job.plan.measure_header_synonyms,
        max_bytes=settings.IMPORT_MAX_BYTES,
    )


def _load_measures(job: ImportJob, result: MeasuresRead, **run: Any) -> MeasuresPreview:
    assert job.plan is not None  # measures are always imported into a plan
    return load_measures(
        result=result,
        plan=job.plan,
        decisions=job.header_mapping,
        user=job.uploaded_by,
        source=job.filename,
        **run,
    )


@dataclass(frozen=True)
class Importer:
    """How one kind of workbook is read and loaded. `read(job, file)` returns what
    `load(job, result, dry_run=, progress=, expected=)` takes; `load` returns a preview (with
    `as_dict()` and `blocked`), and raises ImportBlocked, or PreviewStale when `expected`, the
    confirmed preview, is not what the import would now do, having written nothing. Both
    remember the administrator's answers about headings (job.header_mapping) for the plan's
    next import of that kind."""

    read: Callable[[ImportJob, BinaryIO], Any]
    load: Callable[..., Any]


IMPORTERS: dict[str, Importer] = {
    ImportJob.Kind.ACTIONS: Importer(read=_read_actions, load=_load_actions),
    ImportJob.Kind.MEASURES: Importer(read=_read_measures, load=_load_measures),
}


def run(
    job: ImportJob, *, dry_run: bool, progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Read the job's workbook and load it, or preview loading it; return the preview dict.

    The real import does only what the job's preview showed. Raises ImportFileError when the
    file cannot be read at all, and PreviewStale when the plan has changed since the preview.
    """
    importer = IMPORTERS[job.kind]
    with job.file.open("rb") as file:
        result = importer.read(job, cast(BinaryIO, file))  # a FieldFile proxies its file
    try:
        preview = importer.load(
            job,
            result,
            dry_run=dry_run,
            progress=progress,
            expected=None if dry_run else job.preview,
        )
    except PreviewStale:
        raise
    except ImportBlocked as blocked:
        preview = blocked.preview
    return {**preview.as_dict(), "blocked": preview.blocked}


def start(job: ImportJob) -> None:
    """Preview a job just uploaded: within the request, or by the task worker when the
    workbook is big, since checking it takes as long as importing it."""
    if job.file.size > settings.IMPORT_BACKGROUND_BYTES:
        job.state = ImportJob.State.CHECKING
        job.save(update_fields=["state"])
        preview_job.enqueue(job.pk)
    else:
        preview(job)


def preview(job: ImportJob, progress: Callable[[int], None] | None = None) -> None:
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


def confirm(job: ImportJob) -> bool:
    """Queue the previewed import for the task worker. Returns False, doing nothing, unless
    the job is previewed and nothing blocks it; a second click finds it already claimed."""
    if job.preview.get("blocked", True):
        return False
    claimed = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PREVIEWED).update(
        state=ImportJob.State.QUEUED
    )
    if not claimed:
        return False
    job.state = ImportJob.State.QUEUED
    import_job.enqueue(job.pk)
    return True


def _progress(job_id: int) -> Callable[[int], None]:
    def report(percent: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(progress=percent)

    return report


@task()
def preview_job(job_id: int) -> None:
    """Check a big workbook off the request; the page shows progress meanwhile."""
    job = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.CHECKING).first()
    if job is None:
        return
    preview(job, _progress(job.pk))


@task()
def import_job(job_id: int) -> None:
    """The confirmed import, off the request so a big workbook shows a progress bar."""
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
            state=ImportJob.State.RUNNING, progress=0
        )
    if not claimed:
        return  # already run, or withdrawn
    job = ImportJob.objects.get(pk=job_id)
    try:
        job.preview = run(job, dry_run=False, progress=_progress(job.pk))
        job.plan = job.plan or Plan.objects.get(slug=job.preview["plan"])
        if job.preview["blocked"]:
            job.state = ImportJob.State.FAILED
            job.message = "Nothing was written: the workbook needs another look (see below)."
        else:
            job.state = ImportJob.State.DONE
            job.message = ""
    except PreviewStale as stale:
        # Back to a preview of what the import would do now, for the administrator to check.
        job.state = ImportJob.State.PREVIEWED
        job.preview = {**stale.preview.as_dict(), "blocked": stale.preview.blocked}
        job.message = (
            f"Nothing was imported: {stale.reason}. This is a fresh preview of what the "
            "import would do now: check it and confirm again."
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
        if job.file.name:  # what FieldFile's truth is, but typed: a name to delete
            job.file.storage.delete(job.file.name)
            files += 1
    confirmed.update(file="")
    deleted, _ = unconfirmed.delete()
    return deleted, files
