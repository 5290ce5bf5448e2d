"""Import an action plan workbook from the command line, with the same preview as the web."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from plans.excel import periods
from plans.excel.errors import ImportBlocked, ImportFileError
from plans.excel.forms import month_labels, read_as
from plans.excel.load import create_plan, header_synonyms, load_workbook
from plans.excel.read import read_workbook
from plans.measures.workbook import read_measure_sheets
from plans.models import LeadOfficerFrom, Plan


class Command(BaseCommand):
    help = "Import an action plan (.xlsx, or .csv) into a plan; prints what it does."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument("--create", metavar="NAME", help="Create the plan with this name.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would happen.")
        parser.add_argument(
            "--map-status",
            action="append",
            default=[],
            metavar="LABEL=STATUS",
            help="What a status word in the workbook means, e.g. 'New Action Added=Not due to start'.",
        )
        parser.add_argument(
            "--map-column",
            action="append",
            default=[],
            metavar="HEADING=FIELD",
            help="What a column holds, recognised or not: a field such as outcome, due or "
            "statutory; 'status' or 'narrative' for a status or update column, whose month or "
            "quarter comes from its heading, the band row above it or the Modified column; "
            "'priority_served' for a column holding Yes where "
            "the action serves the priority its heading names; or 'ignore' to leave it out. "
            "E.g. 'Jan-24 BRAG=status'.",
        )
        parser.add_argument(
            "--month",
            metavar="YYYY-MM",
            help="The month of a single current Status / Latest Update column, for rows with no "
            "Modified or Last updated date.",
        )
        parser.add_argument(
            "--year",
            metavar="YYYY/YY",
            help="The financial year of quarters written without one ('Q1 Status'), e.g. "
            "2023/24; by default the year of the plan's start date.",
        )
        parser.add_argument(
            "--lead-officer-from",
            choices=LeadOfficerFrom.values,
            default="",
            help="The column giving each action's lead officer (remembered for the plan); by "
            "default the plan's last choice, else Lead officer, else the first of Other leads.",
        )
        parser.add_argument(
            "--skip-sheet",
            action="append",
            default=[],
            metavar="NAME",
            help="Leave this sheet out of the import (may be given more than once).",
        )

    def handle(
        self,
        path,
        plan,
        create,
        dry_run,
        map_status,
        map_column,
        month,
        year,
        skip_sheet,
        lead_officer_from,
        **options,
    ):
        try:
            month = periods.parse_month(month) if month else None
            year = periods.parse_year(year) if year else None
        except ValueError as error:
            raise CommandError(str(error)) from error
        mapping = pairs(map_status, "--map-status", "LABEL=STATUS")
        decisions = {
            heading: "" if name in ("ignore", "left out") else name
            for heading, name in pairs(map_column, "--map-column", "HEADING=FIELD").items()
        }
        slug = plan
        existing = Plan.objects.filter(slug=slug).first()
        try:
            result = read_workbook(
                path,
                max_bytes=settings.IMPORT_MAX_BYTES,
                synonyms=header_synonyms(existing, decisions),
                month=month,
                year=year or periods.plan_year(existing),
                quarter_month=periods.plan_quarter_month(existing),
                skip_sheets=skip_sheet,
            )
            measures = read_measure_sheets(path, result, existing)
        except (ImportFileError, OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        with transaction.atomic():
            plan = Plan.objects.filter(slug=slug).first()
            if plan is None:
                if not create:
                    raise CommandError(f"No plan {slug!r}: give --create NAME to create it.")
                plan = create_plan(create)
                plan.slug = slug
                plan.save(update_fields=["slug"])
            try:
                preview = load_workbook(
                    plan=plan,
                    result=result,
                    mapping=mapping,
                    decisions=decisions,
                    dry_run=dry_run,
                    source=path,
                    measures=measures,
                    lead_officer_from=lead_officer_from,
                )
            except ImportBlocked as blocked:
                self.report(blocked.preview, plan)
                raise CommandError("Nothing was imported: fix the errors above.") from blocked
            if dry_run:
                transaction.set_rollback(True)
        self.report(preview, plan)
        done = "Would import" if dry_run else "Imported"
        totals = preview.totals
        self.stdout.write(
            f"{done} into {plan.name} ({slug}): {totals['created']} actions created, "
            f"{totals['changed']} changed, {totals['unchanged']} unchanged; "
            f"{totals['updates_created']} updates added, {totals['updates_changed']} changed."
        )

    def report(self, preview, plan):
        write = self.stdout.write
        for sheet in preview.sheets:
            kind = "left out" if sheet["kind"] == "skipped" else sheet["kind"]
            note = f" ({sheet['note']})" if sheet["note"] else ""
            write(f"Sheet {sheet['name']!r}: {kind}{note}")
        write(f"Months found: {', '.join(month_labels(preview.months)) or 'none'}")
        if preview.columns:
            write("Columns:")
        for column in preview.columns:
            sample = f" e.g. {column['sample']!r}" if column["sample"] else ""
            write(
                f"  {column['sheet']} {column['letter']} {column['heading']!r}{sample}: "
                f"{read_as(column['becomes'], periods.plan_quarter_month(plan))}"
            )
        for label, (status, places) in preview.read_as.items():
            write(
                f"Read {label!r} as {status} ({', '.join(places)}); if it means something "
                f"else, add --map-status '{label}=STATUS'."
            )
        for report in preview.themes.values():
            write(f"{report.name}:")
            write(f"  created {len(report.created)}: {', '.join(report.created)}")
            for item in report.changed:
                for field, old, new in item["changes"]:
                    write(f"  changed {item['ref']} {field}: {old!r} -> {new!r}")
            write(f"  unchanged {report.unchanged}")
            write(
                f"  updates added {report.updates_created}, changed {len(report.updates_changed)}"
            )
            for item in report.updates_changed:
                write(f"  update {item['ref']} {item['month']}: {item['old']!r} -> {item['new']!r}")
        for source in preview.sources:
            write(
                f"Source {source['name']}{' (new)' if source['created'] else ''}: "
                f"{len(source['recommendations_created'])} recommendations added, "
                f"{len(source['recommendations_changed'])} changed, "
                f"{source['links_added']} links to actions added"
            )
        if preview.measures and not preview.measures["blocked"]:
            found = preview.measures
            write(
                f"Measures: {len(found['created'])} created, {len(found['changed'])} changed, "
                f"{found['unchanged']} unchanged; {found['values_created']} figures and "
                f"{found['targets_created']} targets added"
            )
        for note in preview.notes:
            write(f"Note: {note}")
        columns = dict(preview.lead_officer_columns)
        if preview.lead_officer_from:
            others = ", ".join(v for v in columns if v != preview.lead_officer_from)
            write(
                f"Lead officers from the column {columns[preview.lead_officer_from]!r}"
                + (f" (or --lead-officer-from {others})" if others else "")
            )
        for written, name in preview.posts_matched.items():
            write(f"Post {written!r} read as the post {name!r}")
        if nobody := preview.nobody:
            write(
                f"{nobody['count']} of {nobody['of']} actions asked for monthly updates have "
                "no one to update them:"
            )
            for item in nobody["posts"]:
                who = f"nobody holds {item['post']}" if item["post"] else "no lead officer"
                write(f"  {who}: {', '.join(item['refs'])}")
        if preview.missing:
            write(f"In the plan but not the workbook (kept): {', '.join(preview.missing)}")
        undecided = {header for _, _, header in preview.undecided_headers}
        for sheet, column, header in preview.unknown_headers:
            if header not in undecided:
                write(f"Column not imported: {sheet} {column} {header!r}")
        for sheet, column, header in preview.undecided_headers:
            self.stderr.write(
                f"Error: column {header!r} ({sheet} {column}) names a month or quarter but was not "
                f"recognised; add --map-column '{header}=status' (or narrative, or ignore)."
            )
        for sheet, column, header, rows in preview.month_needed:
            self.stderr.write(
                f"Error: column {header!r} ({sheet} {column}) is a current status or update "
                f"and {rows} row(s) give no Modified or Last updated date; add --month YYYY-MM "
                "to say which month it is for."
            )
        for sheet, column, header in preview.year_needed:
            self.stderr.write(
                f"Error: column {header!r} ({sheet} {column}) names a quarter without a year "
                "and the plan has no start date; add --year 2023/24 (Q1 is April to June)."
            )
        if preview.updates_not_given:
            write(
                f"Updates with words but no status: {preview.updates_not_given} (kept with the "
                "status 'Not given', not counted in percentages)"
            )
        for label, places in preview.maybe_unmapped.items():
            self.stderr.write(
                f"Status {label!r} in an unrecognised column ({', '.join(places)}) matches "
                f"nothing: if the column holds statuses, add --map-status '{label}=STATUS' too."
            )
        for problem in preview.warnings:
            write(f"Warning: {self.place(problem)}{problem['message']}")
        for label, places in preview.unmapped.items():
            self.stderr.write(
                f"Error: status {label!r} matches nothing; add --map-status "
                f"'{label}=STATUS'. Found in {', '.join(places)}"
            )
        for problem in preview.errors:
            self.stderr.write(f"Error: {self.place(problem)}{problem['message']}")

    @staticmethod
    def place(problem):
        where = problem["sheet"]
        if problem["row"]:
            where += f" row {problem['row']}"
        if problem["column"]:
            where += f" column {problem['column']}"
        value = f" ({problem['value']!r})" if problem["value"] else ""
        return f"{where}{value}: "


def pairs(items, option, form):
    """{left: right} from ["left=right", ...], or CommandError naming the bad one."""
    found = {}
    for item in items:
        left, sep, right = item.partition("=")
        if not sep:
            raise CommandError(f"{option} takes {form}, not {item!r}")
        found[left.strip()] = right.strip()
    return found
