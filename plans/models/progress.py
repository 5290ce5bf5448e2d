"""Progress on actions: update rounds, monthly updates with every wording kept, sign-off
reviews, evidence files and the reminders sent."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plans.models.months import month_constraints
from plans.models.structure import Action, Plan, Status
from tracker import policy


class RoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class Round(models.Model):
    """A monthly update round: "January 2024 update, due by 9 February"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rounds")
    month = models.DateField(help_text="The first day of the month being reported on.")
    due = models.DateField(help_text="The day updates are due.")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopen_reason = models.CharField(
        max_length=300, blank=True, help_text="Why the round was last reopened after closing."
    )
    history = HistoricalRecords()

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="one_round_per_plan_month"),
            # Officers have one round to answer at a time; "the open round" is never ambiguous.
            models.UniqueConstraint(
                fields=["plan"], condition=Q(closed_at__isnull=True), name="one_open_round_per_plan"
            ),
            *month_constraints("month", "round_month"),
        ]

    def __str__(self):
        return f"{self.month:%B %Y} update, due by {self.due:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("plans:round", args=[self.plan.slug, self.month.year, self.month.month])

    @property
    def is_open(self):
        return self.closed_at is None


class UpdateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The updates `user` may read (tracker.policy.visible_updates): signed-off ones, and
        the rest only for those who may read drafts. policy.EVERYONE for what every reader
        may see: an update awaiting sign-off or returned is left out."""
        return policy.visible_updates(user, self, signed_off=Q(approval=Update.Approval.APPROVED))


class Update(models.Model):
    """An action's progress for one month: the current wording. Every saved wording, this one
    included, is also kept as an UpdateRevision; nothing is overwritten without a trace."""

    class Approval(models.TextChoices):
        APPROVED = "approved", "Approved"
        SUBMITTED = "submitted", "Awaiting sign-off"
        RETURNED = "returned", "Returned for changes"

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    month = models.DateField(help_text="The first day of the month reported on.")
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField(blank=True)
    no_change = models.BooleanField(
        "no change since last month",
        default=False,
        help_text="The officer confirmed nothing changed; last month's text still stands.",
    )
    projected_completion = models.DateField(null=True, blank=True)
    suggested_status = models.ForeignKey(
        Status,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The status the dates implied when saved, so reports can set the officer's "
        "own rating beside the date-based one.",
    )
    signature = models.CharField(
        max_length=40,
        blank=True,
        help_text='Initials and date shown to readers, e.g. "DS 11.01.24".',
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who wrote it. Empty for updates imported from a workbook.",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The officer whose delegate wrote it.",
    )
    imported = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, help_text="Raised by each revision.")
    updated_at = models.DateTimeField()
    approval = models.CharField(
        max_length=10,
        choices=Approval.choices,
        default=Approval.APPROVED,
        help_text="Only plans that ask for sign-off have updates awaiting it.",
    )

    objects = UpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["action", "month"], name="one_update_per_action_month"),
            *month_constraints("month", "update_month"),
        ]

    def __str__(self):
        return f"{self.action.ref} {self.month:%B %Y}: {self.status}"

    @staticmethod
    def sign(user, when):
        return f"{user.get_initials()} {when:%d.%m.%y}"

    @property
    def self_rated_differently(self):
        """Did the officer choose a status other than the one the dates implied?"""
        return self.suggested_status_id is not None and self.suggested_status_id != self.status_id


class UpdateRevisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The wordings `user` may read (tracker.policy.visible_updates): a version is signed
        off when it was saved needing no sign-off, or a review approved that version."""
        approved = Review.objects.filter(
            update=OuterRef("update"),
            version=OuterRef("version"),
            decision=Review.Decision.APPROVED,
        )
        return policy.visible_updates(
            user, self, signed_off=Q(for_sign_off=False) | Exists(approved), action="update__action"
        )


class UpdateRevision(models.Model):
    """One saved wording of an update, in the order written. Rows are only ever added."""

    update = models.ForeignKey(Update, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField(blank=True)
    no_change = models.BooleanField(default=False)
    projected_completion = models.DateField(null=True, blank=True)
    suggested_status = models.ForeignKey(
        Status, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signature = models.CharField(max_length=40, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported = models.BooleanField(default=False)
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why a performance officer corrected a closed round."
    )
    confirmed_warnings = models.TextField(
        blank=True, help_text="Warnings about the dates the writer read and confirmed."
    )
    for_sign_off = models.BooleanField(
        default=False,
        help_text="Saved to await sign-off: only a review approving this version lets "
        "councillors read it.",
    )
    saved_at = models.DateTimeField()

    objects = UpdateRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["update", "version"]
        constraints = [
            models.UniqueConstraint(fields=["update", "version"], name="one_revision_per_version")
        ]

    def __str__(self):
        return f"{self.update} (version {self.version})"


class Review(models.Model):
    """A sign-off decision on one version of an update. Rows are only ever added, so the
    officer can see what was returned and why, and auditors who approved what."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for changes"

    update = models.ForeignKey(Update, on_delete=models.PROTECT, related_name="reviews")
    version = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["update", "at", "pk"]

    def __str__(self):
        return f"{self.update} version {self.version}: {self.get_decision_display()}"


def evidence_path(instance, filename):
    # A random name: two files called "report.pdf" never collide, and nothing a user typed
    # becomes part of a path. The name as uploaded is kept in Evidence.filename.
    suffix = PurePath(filename).suffix.lower()
    action = instance.update.action
    return f"evidence/{action.plan.slug}/{action.pk}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file or a link that backs up an update (required for statuses such as Closed)."""

    update = models.ForeignKey(Update, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, blank=True)
    filename = models.CharField("name as uploaded", max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(
        "SHA-256",
        max_length=64,
        blank=True,
        help_text="Of the file's content, so the same file is not attached to an update twice.",
    )
    link = models.URLField(max_length=500, blank=True)
    description = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(link=""), name="evidence_has_file_or_link"
            )
        ]

    def __str__(self):
        return self.description or self.filename or self.link or self.file.name

    def get_absolute_url(self):
        return reverse("plans:evidence", args=[self.update.action.plan.slug, self.pk])


class Reminder(models.Model):
    """An email sent to an officer about their missing updates in a round. Claimed by
    inserting this row in the same transaction as sending, so the unique constraints make
    sure no reminder goes twice, even when a worker restarts and runs a task again."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Round opened"
        DUE_SOON = "due-soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        CHASE = "chase", "Chased by a performance officer"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_on = models.DateField(default=timezone.localdate)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refs = models.TextField(blank=True, help_text="The actions listed, one ref per line.")

    class Meta:
        ordering = ["round", "sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user", "kind"],
                condition=~Q(kind="chase"),
                name="one_scheduled_reminder_per_round_user_kind",
            ),
            # A performance officer may chase again another day, but a double click or a
            # retried task on the same day sends nothing more.
            models.UniqueConstraint(
                fields=["round", "user", "kind", "sent_on"],
                condition=Q(kind="chase"),
                name="one_chase_per_round_user_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.user} ({self.round})"
