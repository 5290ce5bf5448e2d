"""Queue today's alert emails: actions that passed their due date, and one email per person
with every alert waiting (plans/alerts.py). Run it once a day, after the working day; the task
worker sends them. A second run the same day sends nothing more."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from plans import alerts


class Command(BaseCommand):
    help = "Queue today's alert emails (run daily): one per person at most."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Act as if today were this date (YYYY-MM-DD), to catch up after an outage.",
        )

    def handle(self, *args, date=None, **options):
        count = alerts.send_alerts(date or timezone.localdate())
        self.stdout.write(f"queued alert emails for {count} people")
