"""Uploaded workbooks are not kept for ever: imports never confirmed go, file and all, after
IMPORT_RETENTION_HOURS, and confirmed imports keep their record but not the file."""

import datetime

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from plans.models import ImportJob

State = ImportJob.State


def job(state, hours_old, finished=True):
    made = timezone.now() - datetime.timedelta(hours=hours_old)
    upload = ImportJob.objects.create(
        state=state,
        file=ContentFile(b"PK\x03\x04 workbook", name="plan.xlsx"),
        filename="plan.xlsx",
        created_at=made,
        finished_at=made if state == State.DONE and finished else None,
    )
    return upload, upload.file.name


def stored(name):
    return ImportJob.file.field.storage.exists(name)


def test_old_unconfirmed_imports_and_their_files_are_deleted_and_recent_ones_kept(db, capsys):
    old_refused, old_refused_file = job(State.FAILED, 73)
    old_left, old_left_file = job(State.PREVIEWED, 100)
    recent_refused, recent_file = job(State.FAILED, 1)
    queued, queued_file = job(State.QUEUED, 100)

    call_command("delete_old_imports")

    assert not ImportJob.objects.filter(pk__in=[old_refused.pk, old_left.pk]).exists()
    assert not stored(old_refused_file) and not stored(old_left_file)
    assert ImportJob.objects.filter(pk__in=[recent_refused.pk, queued.pk]).count() == 2
    assert stored(recent_file) and stored(queued_file)
    assert "Deleted 2 unconfirmed import(s) and 2 uploaded file(s) older than 72 hours" in (
        capsys.readouterr().out
    )


def test_a_confirmed_import_keeps_its_record_but_not_its_file(db):
    old, old_file = job(State.DONE, 80)
    recent, recent_file = job(State.DONE, 2)
    call_command("delete_old_imports")
    old.refresh_from_db()
    assert old.filename == "plan.xlsx" and not old.file
    assert not stored(old_file)
    recent.refresh_from_db()
    assert recent.file and stored(recent_file)
    call_command("delete_old_imports")  # a second run finds nothing more to do


def test_the_retention_is_a_setting(db, settings):
    settings.IMPORT_RETENTION_HOURS = 2
    refused, refused_file = job(State.FAILED, 3)
    call_command("delete_old_imports")
    assert not ImportJob.objects.filter(pk=refused.pk).exists() and not stored(refused_file)
