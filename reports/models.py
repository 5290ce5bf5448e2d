"""Committee reports and the meetings they go to.

A report is asked for (queued), built by a task (running, then ready or failed), checked by a
clerk and published. Publishing freezes it: the stored PDF, its SHA-256 and the JSON snapshot
of every figure and narrative it used never change again, and the app offers no way to change
or delete it.

A build renders the snapshot once, as the draft marked "Draft — not for publication" on every
page, which clerks check. Publishing (a task too: "publishing", then published) renders the
same stored snapshot again without the mark and releases that file. The mark takes no room on
the page, so both have the same pages and words but for it (publishing checks the page count);
both checksums are kept, the draft's being the one the clerk confirms when publishing. Drafts
are built many times and published once, so only publishing pays for the second rendering.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from plans.models import Committee, Plan
from reports import fields, periods

# A report still "running" this long after it started was lost with its worker (killed,
# restarted, out of memory): it is shown as failed and may be tried again.
STALE_AFTER = datetime.timedelta(minutes=15)

# What a draft says on every page of its PDF and on its web page.
DRAFT_MARK = "Draft — not for publication"


class Meeting(models.Model):
    """A meeting of a committee, which reports are tied to."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()

    class Meta:
        ordering = ["date", "committee__name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "date"], name="one_meeting_per_day")
        ]

    def __str__(self):
        return f"{self.committee.name}, {self.date:%-d %B %Y}"

    @property
    def deadline(self):
        """The last day its papers can be published: five clear working days before it."""
        return periods.publication_deadline(self.date)


def report_path(instance, filename):
    # A fresh name for every build, so a new draft never overwrites a file someone may be
    # reading, and a half-written file is never the one a row points at.
    return f"reports/{instance.plan.slug}/{instance.period}-{instance.kind}-{uuid.uuid4().hex}.pdf"


def draft_path(instance, filename):
    return f"reports/{instance.plan.slug}/draft-{instance.period}-{instance.kind}-{uuid.uuid4().hex}.pdf"


class ReportQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=Report.State.PUBLISHED)


class Report(models.Model):
    class Kind(models.TextChoices):
        QUARTERLY = periods.QUARTERLY, "Quarterly"
        SIX_MONTHLY = periods.SIX_MONTHLY, "Six-monthly"
        ANNUAL = periods.ANNUAL, "Annual"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being built"
        READY = "ready", "Ready to check"
        FAILED = "failed", "Failed"
        PUBLISHING = "publishing", "Being published"
        PUBLISHED = "published", "Published"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    period = models.CharField(max_length=7, help_text='For example "2024-Q3", "2024-H1", "2024".')
    committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="Only this committee's actions. Empty for the whole plan.",
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    failure_reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Builds started; each build checks it is still the latest."
    )
    file = models.FileField(
        upload_to=report_path,
        blank=True,
        help_text="The PDF without the draft mark, rendered when publishing.",
    )
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True, help_text="Bytes.")
    draft_file = models.FileField(
        upload_to=draft_path,
        blank=True,
        help_text='The same PDF marked "Draft — not for publication" on every page: checked.',
    )
    draft_sha256 = models.CharField(
        "SHA-256 of the draft",
        max_length=64,
        blank=True,
        help_text="The checksum the clerk confirmed when publishing.",
    )
    draft_size = models.PositiveIntegerField(null=True, blank=True, help_text="Bytes.")
    pages = models.PositiveIntegerField(null=True, blank=True)
    snapshot = models.JSONField(
        default=dict, blank=True, help_text="Every figure and narrative the report used."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A published report always has its file, checksum, snapshot and publisher.
            models.CheckConstraint(
                condition=~Q(state="published")
                | (
                    ~Q(file="")
                    & ~Q(sha256="")
                    & Q(published_at__isnull=False)
                    & Q(published_by__isnull=False)
                ),
                name="published_report_is_complete",
            ),
            # One draft of a report at a time: asking again builds that draft again. Two
            # constraints, as a whole-plan report's empty committee never matches another's.
            models.UniqueConstraint(
                fields=["plan", "kind", "period", "committee"],
                condition=~Q(state="published") & Q(committee__isnull=False),
                name="one_draft_per_committee_report",
            ),
            models.UniqueConstraint(
                fields=["plan", "kind", "period"],
                condition=~Q(state="published") & Q(committee__isnull=True),
                name="one_draft_per_plan_report",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        # What went to committee is the record; nothing in the app may remove it.
        if self.state == self.State.PUBLISHED:
            raise ValueError("A published report cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def period_obj(self):
        return periods.parse(self.kind, self.period)

    @property
    def title(self):
        scope = f", {self.committee.name}" if self.committee_id else ""
        return f"{self.get_kind_display()} report: {self.period_obj.name}{scope}"

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED

    @property
    def is_frozen(self):
        """Publishing or published: its snapshot and words no longer change."""
        return self.state in (self.State.PUBLISHING, self.State.PUBLISHED)

    @property
    def is_stale(self):
        """Built or published for so long that its worker must have died."""
        return (
            self.state in (self.State.RUNNING, self.State.PUBLISHING)
            and self.started_at is not None
            and timezone.now() - self.started_at > STALE_AFTER
        )

    @property
    def shown_state(self):
        """The state to show people: a lost build shows as failed."""
        return self.State.FAILED if self.is_stale else self.State(self.state)

    @property
    def shown_failure_reason(self):
        if self.is_stale:
            step, doing = ("The build", "building")
            if self.state == self.State.PUBLISHING:
                step, doing = ("Publishing", "publishing")
            return (
                f"{step} started at {timezone.localtime(self.started_at):%H:%M on %-d %B %Y} "
                f"and never finished: the worker {doing} it stopped."
            )
        return self.failure_reason

    @property
    def can_build_again(self):
        return self.state in (self.State.READY, self.State.FAILED) or self.is_stale

    @property
    def download_name(self):
        scope = f"-{self.committee.slug}" if self.committee_id else ""
        return f"{self.plan.slug}-{self.kind}-report-{self.period}{scope}.pdf"

    @property
    def draft_download_name(self):
        return f"DRAFT-{self.download_name}"

    @property
    def shown_file(self):
        """(file, checksum, size, download name) of the PDF people get now: the published
        one once published, before that the draft."""
        if self.is_published:
            return self.file, self.sha256, self.size, self.download_name
        return self.draft_file, self.draft_sha256, self.draft_size, self.draft_download_name

    @property
    def docx_name(self):
        return self.download_name.removesuffix(".pdf") + ".docx"

    def is_late(self, today):
        """Tied to a meeting whose publication deadline has passed, and not published by it."""
        if self.meeting_id is None:
            return False
        deadline = self.meeting.deadline
        if self.published_at is not None:
            return timezone.localdate(self.published_at) > deadline
        return today > deadline


def _name(user):
    return (user.get_full_name() or user.username) if user else "someone"


class Wording(models.Model):
    """One field of the officers' words in a report, as it reads now: a commentary paragraph
    (the executive summary, one per priority or theme, the recommendations to members) or a
    field of its cover report (reports.wording lists them). Every saved wording, this one
    included, is also kept as a WordingRevision."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="wordings")
    key = models.CharField(max_length=250, help_text='For example "summary" or "cover:title".')
    text = models.TextField(blank=True)
    rows = models.JSONField(
        default=list, blank=True, help_text="A table's rows, for the risk table: lists of cells."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, help_text="Raised by each revision.")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "key"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="one_wording_per_field")
        ]

    def __str__(self):
        return f"{self.report}: {self.key}"

    @property
    def written_by(self):
        return _name(self.author)

    @property
    def label(self):
        return fields.label(self.key)


class WordingRevision(models.Model):
    """One saved wording of a report's field, in the order written. Rows are only ever added."""

    wording = models.ForeignKey(Wording, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    rows = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["wording", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["wording", "version"], name="one_wording_revision_per_version"
            )
        ]

    def __str__(self):
        return f"{self.wording} (version {self.version})"

    @property
    def written_by(self):
        return _name(self.author)
