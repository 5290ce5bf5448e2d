"""Emails people choose or are owed beyond the reminders: each person's email settings,
what they follow, the alerts waiting for their daily email, and the committee digests sent.
Sent emails are claimed by inserting a row whose unique constraint refuses a second claim,
as Reminder does, so a task run twice sends nothing more."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plans.models.structure import Action, Plan, Theme


class EmailSettings(models.Model):
    """A person's choices; someone with no row has the defaults (alerts on, no digest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_settings"
    )
    alerts = models.BooleanField(
        "email me alerts",
        default=True,
        help_text="One email a day at most, when an action I am told of turns red or passes "
        "its due date.",
    )
    digest = models.BooleanField(
        "send me the monthly committee digest",
        default=False,
        help_text="Chairs and vice-chairs get it anyway.",
    )
    history = HistoricalRecords()  # who changed their settings, when

    class Meta:
        verbose_name_plural = "email settings"

    def __str__(self):
        return f"Email settings of {self.user}"


class Follow(models.Model):
    """A person following an action or a whole theme, to get its alerts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()  # following and unfollowing are kept

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(action__isnull=True) ^ Q(theme__isnull=True),
                name="follow_action_or_theme",
            ),
            models.UniqueConstraint(fields=["user", "action"], name="follow_action_once"),
            models.UniqueConstraint(fields=["user", "theme"], name="follow_theme_once"),
        ]

    def __str__(self):
        return f"{self.user} follows {self.action or self.theme}"


class AlertEmail(models.Model):
    """The day's one alert email to a person, claimed before it is sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_alert_email_a_day")
        ]

    def __str__(self):
        return f"Alerts to {self.user} on {self.sent_on:%-d %B %Y}"


class Alert(models.Model):
    """Something a person is to be told of in their next daily email (plans/alerts.py decides
    who). `about` is the update's month for a red turn, the due date for an overdue pass:
    each is queued once per person."""

    class Kind(models.TextChoices):
        RED = "red", "Turned red"
        OVERDUE = "overdue", "Passed its due date"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    about = models.DateField()
    detail = models.CharField(max_length=200, blank=True, help_text="The status, in words.")
    created_at = models.DateTimeField(default=timezone.now)
    email = models.ForeignKey(
        AlertEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "action", "kind", "about"], name="one_alert_per_event"
            )
        ]

    def __str__(self):
        return f"{self.action.ref}: {self.get_kind_display()} ({self.user})"


class Digest(models.Model):
    """A monthly committee digest sent to one person for one plan and month."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    committees = models.TextField(help_text="The committees it covered, one a line.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "user", "month"], name="one_digest_a_month")
        ]

    def __str__(self):
        return f"{self.month:%B %Y} digest to {self.user}"
