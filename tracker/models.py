from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


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
