"""Roll a plan into the next financial year from the command line, with the same preview as
the web page (plans/rollover.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plans import dates, rollover
from plans.models import Plan


def financial_year(text):
    year = dates.financial_year_in_text(text)
    if year is None:
        raise CommandError(f"--to “{text}” is not a financial year: write it as 2024/25")
    return year


class Command(BaseCommand):
    help = (
        "Carry a plan's open actions (and its measures' definitions) into a new plan for the "
        "next financial year, linked to the old one; prints what is carried and what is left."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The plan to roll.")
        parser.add_argument(
            "--to", metavar="YYYY/YY", help="The new financial year; by default the next one."
        )
        parser.add_argument("--new-plan-name", metavar="NAME", help="The new plan's name.")
        parser.add_argument("--new-plan-slug", metavar="SLUG", help="The new plan's short name.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would happen.")

    def handle(self, *args, slug, to, new_plan_name, new_plan_slug, dry_run, **options):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(f"There is no plan “{slug}”.")
        year = financial_year(to) if to else rollover.default_year(plan, timezone.localdate())
        found = rollover.preview(plan, year=year, name=new_plan_name, slug=new_plan_slug)
        self.stdout.write(
            f"{plan.name} into {found.year_label}: {found.name} (/plans/{found.slug}/), "
            f"{found.start:%-d %B %Y} to {found.end:%-d %B %Y}"
        )
        self.stdout.write(f"Carried: {len(found.carried)} open actions")
        for action in found.carried:
            self.stdout.write(f"  {action.ref} {action.title[:70]} ({_status(action)})")
        self.stdout.write(f"Left in {plan.name}: {len(found.left)} complete or closed actions")
        for action in found.left:
            self.stdout.write(f"  {action.ref} {action.title[:70]} ({_status(action)})")
        self.stdout.write(f"Measures carried (definitions, no figures): {len(found.measures)}")
        if found.problems:
            raise CommandError(" ".join(found.problems))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        new = rollover.roll(found, by=None)
        self.stdout.write(self.style.SUCCESS(f"Made {new.name} (/plans/{new.slug}/)."))


def _status(action):
    if action.shows_children:
        return "shown by its sub-actions"
    return action.latest_status.label if action.latest_status else "no update yet"
