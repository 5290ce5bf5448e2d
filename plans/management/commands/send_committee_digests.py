"""Queue a month's committee digests for a plan: the task worker sends them, once per person.
Closing a round queues them by itself; schedule this (monthly, after the round's due date) to
catch a round closed late, or run it to send a month again to anyone not sent it yet."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from plans import dates, digests
from plans.models import Plan


def month(text):
    try:
        return datetime.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise CommandError(f"--month {text!r}: give a month as YYYY-MM, e.g. 2024-01") from None


class Command(BaseCommand):
    help = "Queue the committee digests of a plan for a month; each goes once per person."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="The plan's short name (slug).")
        parser.add_argument(
            "--month",
            type=month,
            help="YYYY-MM; the month of the plan's latest closed round if not given.",
        )

    def handle(self, *args, plan, month=None, **options):
        found = Plan.objects.filter(slug=plan).first()
        if found is None:
            raise CommandError(f"--plan {plan!r}: no plan has that short name")
        month = month or digests.latest_closed_month(found)
        if month is None:
            raise CommandError(f"{found.slug} has no closed round yet: give --month YYYY-MM")
        if not dates.in_range(month):
            raise CommandError(f"--month {month:%Y-%m}: {dates.out_of_range(month)}")
        digests.send_digests.enqueue(found.pk, month.isoformat())
        self.stdout.write(f"{found.slug} {month:%Y-%m}: queued committee digests")
