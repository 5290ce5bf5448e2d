"""Workbook imports: one job per uploaded file, from preview to confirmed load."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from plans.models.structure import LeadOfficerFrom, Plan


class ImportJob(models.Model):
    """One upload of a workbook: previewed, then confirmed and loaded (by a task when large)."""

    class State(models.TextChoices):
        CHECKING = "checking", "Checking"
        PREVIEWED = "previewed", "Previewed"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        ACTIONS = "actions", "Action plan"
        MEASURES = "measures", "Measures"

    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="imports"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ACTIONS)
    new_plan_name = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="imports/")
    filename = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEWED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    status_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text="Status as written -> status label, chosen by the admin.",
    )
    header_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text="Column heading as written -> field, chosen by the admin.",
    )
    month = models.DateField(
        null=True,
        blank=True,
        help_text="The month of a current Status / Latest Update pair with no Modified date, "
        "chosen by the admin.",
    )
    financial_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The financial year (its first calendar year) of quarters written without "
        "one, chosen by the admin.",
    )
    lead_officer_from = models.CharField(
        max_length=20,
        blank=True,
        choices=LeadOfficerFrom.choices,
        help_text="The column giving each action's lead officer, chosen by the admin; empty: "
        "the plan's remembered choice.",
    )
    skipped_sheets = models.JSONField(
        default=list, blank=True, help_text="Sheets the admin chose to leave out."
    )
    preview = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_state_display()})"


# Measures (KPIs) tracked against targets, and the sources (recommendations) actions answer.
