from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role groups and the posts
    they hold (see plans.Post), never from flags on the user."""

    initials = models.CharField(
        max_length=8, blank=True, help_text="Used to sign updates, e.g. DS 11.01.24."
    )
    delegate = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegators",
        help_text="Someone who may update this person's actions while they are away.",
    )
    # Who changed a person's name, email, delegate or status, when, and why (a change reason
    # names roles, posts and hand-ons, which live in other tables): shown on the person's page.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_initials(self):
        if self.initials:
            return self.initials
        letters = "".join(part[0] for part in (self.first_name, self.last_name) if part)
        return (letters or self.username[:2]).upper()


class PasswordResetRequest(models.Model):
    """A password reset email sent, kept for an hour so that tracker/signin.py can limit how
    many go to one account or are asked for from one address."""

    email = models.CharField(max_length=254, db_index=True)
    address = models.GenericIPAddressField(null=True, db_index=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"Password reset for {self.email} at {self.requested_at:%Y-%m-%d %H:%M}"


class SignInIdentity(models.Model):
    """Who a person is at the single sign-on provider (tracker/oidc.py), so that a sign-in
    finds their account by an identifier that is never reassigned rather than by an email
    address, which can change or pass to someone else."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_identities")
    tenant = models.CharField(
        max_length=255, help_text="Entra ID's tenant id (tid); for other providers, the issuer."
    )
    subject = models.CharField(
        max_length=255,
        help_text="Entra ID's object id (oid); for other providers, the subject (sub).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_signed_in = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "subject"], name="one_account_per_identity")
        ]

    def __str__(self):
        return f"{self.user} at {self.tenant}"


class Invitation(models.Model):
    """An email inviting a person to set a password (or to sign in with single sign-on):
    who sent it, when, and when the person accepted. Shown on the person's page."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return f"Invitation to {self.person} at {self.sent_at:%Y-%m-%d %H:%M}"
