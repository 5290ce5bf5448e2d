"""Build a committee report PDF, or its Word version, from the command line, for scripting
and tests.

    manage.py build_report --plan corporate-plan --kind quarterly --period 2024-Q3 \
        [--committee audit] [--meeting 2025-01-16] --output q3.pdf [--docx q3.docx]

It writes the files only: nothing is stored in the database, and nothing is published, so the
PDF is a draft, marked "Draft — not for publication" on every page. The officers' words
(commentary and cover report) are those of the report's draft in the app, for the same plan,
period and committee, when there is one.
"""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Committee, Plan
from reports import compose, pdf, periods, word, wording
from reports.models import Meeting, Report


class Command(BaseCommand):
    help = "Build a draft quarterly, six-monthly or annual committee report as a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument("--kind", required=True, choices=list(periods.KINDS))
        parser.add_argument(
            "--period", required=True, help="2024-Q3 (quarterly), 2024-H1 (six-monthly), 2024."
        )
        parser.add_argument("--committee", help="A committee's slug: only its actions.")
        parser.add_argument(
            "--meeting", type=datetime.date.fromisoformat, help="The meeting's date, YYYY-MM-DD."
        )
        parser.add_argument("--output", type=Path, help="Where to write the PDF.")
        parser.add_argument("--docx", type=Path, help="Where to write the Word document.")
        parser.add_argument(
            "--snapshot", type=Path, help="Also write the JSON snapshot of the figures here."
        )

    def handle(self, *args, **options):
        if not options["output"] and not options["docx"]:
            raise CommandError("Say where to write the report: --output PDF, --docx DOCX or both")
        try:
            period = periods.parse(options["kind"], options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f"No plan with the slug {options['plan']!r}")
        committee = meeting = None
        if options["committee"]:
            committee = Committee.objects.filter(slug=options["committee"]).first()
            if committee is None:
                raise CommandError(f"No committee with the slug {options['committee']!r}")
        if options["meeting"]:
            meetings = Meeting.objects.filter(date=options["meeting"]).select_related("committee")
            if committee is not None:
                meetings = meetings.filter(committee=committee)
            meeting = meetings.first()
            if meeting is None:
                raise CommandError(f"No committee meeting on {options['meeting']}")

        draft = (
            Report.objects.exclude(state=Report.State.PUBLISHED)
            .filter(plan=plan, kind=period.kind, period=period.code, committee=committee)
            .first()
        )
        snapshot = compose.compose(
            plan=plan,
            period=period,
            committee=committee,
            meeting=meeting,
            words=wording.snapshot(draft),
        )
        if options["output"]:
            rendered = pdf.render(snapshot, draft=True)
            Path(options["output"]).write_bytes(rendered.pdf)
            self.stdout.write(
                f"Wrote {options['output']}: {snapshot['document_title']}, {rendered.pages} "
                f"pages, SHA-256 {rendered.sha256}"
            )
        if options["docx"]:
            Path(options["docx"]).write_bytes(word.render(snapshot, draft=True))
            self.stdout.write(f"Wrote {options['docx']}: {snapshot['document_title']}, Word")
        if options["snapshot"]:
            Path(options["snapshot"]).write_text(json.dumps(snapshot, indent=1))
