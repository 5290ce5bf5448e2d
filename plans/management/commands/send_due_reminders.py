"""Queue the reminder emails due today. Run it once a day (cron, a systemd timer or your
platform's scheduler); the task worker (`manage.py db_worker`) sends them. See
docs/operations.md."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from plans import rounds, tasks
from plans.models import Round


class Command(BaseCommand):
    help = "Queue today's update-round reminder emails (run daily). Each goes once per person."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Act as if today were this date (YYYY-MM-DD), to catch up after an outage.",
        )

    def handle(self, *args, date=None, **options):
        today = date or timezone.localdate()
        for round_ in Round.objects.open().select_related("plan"):
            kind = rounds.reminder_due(round_, today)
            if kind is None:
                continue
            tasks.send_round_reminders.enqueue(round_.pk, kind)
            self.stdout.write(f"{round_.plan.slug} {round_.month:%Y-%m}: queued {kind} reminders")
