"""Delete imports never confirmed, and the uploaded files of confirmed ones, once they are
IMPORT_RETENTION_HOURS old. Run it daily beside send_due_reminders (docs/operations.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from plans.excel import jobs


class Command(BaseCommand):
    help = "Delete unconfirmed imports and confirmed imports' files older than the retention."

    def handle(self, *args, **options):
        deleted, files = jobs.delete_old()
        self.stdout.write(
            f"Deleted {deleted} unconfirmed import(s) and {files} uploaded file(s) older than "
            f"{settings.IMPORT_RETENTION_HOURS} hours."
        )
