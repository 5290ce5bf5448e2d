"""manage.py create_administrator EMAIL: the council's first administrator, with the
Administrator role rather than Django's superuser flag, choosing their own password."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from tracker import roles
from tracker.models import User
from tracker.people import invitations


class Command(BaseCommand):
    help = (
        "Create an administrator (or give an existing person the Administrator role) and "
        "print a one-time link for them to choose a password."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, email, first_name, last_name, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"“{email}” is not an email address.") from error
        person = User.objects.filter(email__iexact=email).first()
        if person is None:
            person = User(username=email, email=email, first_name=first_name, last_name=last_name)
            person.set_unusable_password()
            person._change_reason = "Created as the first administrator (manage.py)"
            person.save()
        elif not person.groups.filter(name=roles.ADMINISTRATOR).exists():
            person._change_reason = "Given the Administrator role (manage.py)"
            person.save()
        person.groups.add(Group.objects.get_or_create(name=roles.ADMINISTRATOR)[0])
        self.stdout.write(f"{person} ({email}) is an administrator.")
        if person.has_usable_password() or invitations.single_sign_on():
            self.stdout.write("They sign in at " + invitations.link(person))
        else:
            self.stdout.write(
                "To choose a password, they open this link (it works once, for "
                f"{invitations.days()} days):\n{invitations.link(person)}"
            )
