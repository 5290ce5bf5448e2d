"""Inviting people by email: a one-time link to set their own password, or, when single
sign-on is configured (settings.OIDC_ISSUER), a link to the sign-in page to sign in with
Microsoft. Administrators never type anyone's password."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tracker.models import Invitation


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password reset token with its own salt: it stops working once the person
    sets a password or signs in (both change what it is made from), and after
    PASSWORD_RESET_TIMEOUT (three days by default)."""

    key_salt = "tracker.people.invitations"


tokens = InvitationTokenGenerator()


def single_sign_on():
    return bool(getattr(settings, "OIDC_ISSUER", ""))


def days():
    """How many days an invitation's link works."""
    return settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)


def link(person):
    """The address the invitation sends `person` to."""
    if single_sign_on():
        return settings.SITE_URL + reverse("login")
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    return settings.SITE_URL + reverse("people:accept", args=[uid, tokens.make_token(person)])


def uninvited(people):
    """Those of `people` (a query) who could be invited and have not been: active, with an
    email address, never signed in and with no invitation sent."""
    return people.filter(is_active=True, last_login__isnull=True, invitations__isnull=True).exclude(
        email=""
    )


def invite(people, by):
    """Email each of `people` an invitation and record it. Returns how many were sent."""
    sent = 0
    for person in people:
        context = {
            "person": person,
            "link": link(person),
            "by": by,
            "single_sign_on": single_sign_on(),
            "service_name": settings.SERVICE_NAME,
            "organisation_name": settings.ORGANISATION_NAME,
            "days": days(),
        }
        send_mail(
            render_to_string("emails/invitation_subject.txt", context).strip(),
            render_to_string("emails/invitation.txt", context),
            None,
            [person.email],
        )
        Invitation.objects.create(person=person, invited_by=by, sent_at=timezone.now())
        sent += 1
    return sent
