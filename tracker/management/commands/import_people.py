"""manage.py import_people PATH [--dry-run]: the People page's import, from a shell."""

from django.core.management.base import BaseCommand, CommandError

from plans.excel.errors import ImportFileError
from tracker.people import importer


class Command(BaseCommand):
    help = (
        "Import people from a staff list (.xlsx or .csv: name, email, role, posts, "
        "committees). All or nothing; never removes anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; write nothing."
        )

    def handle(self, path, dry_run, **options):
        try:
            with open(path, "rb") as file:
                rows, problems = importer.read(file, path)
        except (OSError, ImportFileError) as error:
            raise CommandError(str(error)) from error
        found = importer.preview(rows, problems)
        if found.problems:
            raise CommandError("Nothing was imported:\n" + "\n".join(found.problems))
        for row in found.new:
            self.stdout.write(f"New: {row.email} ({row.first_name} {row.last_name})")
        for row, changes in found.changed:
            self.stdout.write(f"Changes: {row.email}: {'; '.join(changes)}")
        for post in found.new_posts:
            self.stdout.write(f"New post: {post}")
        summary = (
            f"{len(found.new)} new, {len(found.changed)} changed, "
            f"{len(found.unchanged)} unchanged, {len(found.new_posts)} new posts"
        )
        if not found.changes_anything:
            self.stdout.write(f"No changes ({summary}).")
        elif dry_run:
            self.stdout.write(f"Dry run, nothing written: {summary}.")
        else:
            importer.load(found)
            self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
