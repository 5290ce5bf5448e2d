"""Write a plan out for other systems: `manage.py export_plan --plan SLUG --format json`."""

import json

from django.core.management.base import BaseCommand, CommandError

from plans.export import plan_json
from plans.models import Plan


class Command(BaseCommand):
    help = (
        "Write every theme, workstream and action of a plan, with every signed-off update "
        "(what councillors may read; updates awaiting sign-off or returned stay in the "
        "service), as JSON (the shape is in README.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--output", help="A file to write; standard output without it.")

    def handle(self, *args, plan, output, **options):
        try:
            found = Plan.objects.get(slug=plan)
        except Plan.DoesNotExist:
            raise CommandError(f"There is no plan with the slug {plan!r}.") from None
        text = json.dumps(plan_json(found), indent=1, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as out:
                out.write(text + "\n")
        else:
            self.stdout.write(text)
