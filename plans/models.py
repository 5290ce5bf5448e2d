"""The plan and its progress: structure (priorities, themes, workstreams, actions), the
plan's own status vocabulary, the posts people hold, and the monthly updates."""

import re

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plans import dates


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    GREY = "grey", "Grey"
    BLUE = "blue", "Blue (done)"


class Plan(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    organisation = models.CharField("organisation name", max_length=200)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    count_parent_actions = models.BooleanField(
        default=False,
        help_text="Count parent (focus) actions in percentages. Usually they carry no status.",
    )
    parents_rate_themselves = models.BooleanField(
        default=False,
        help_text="Ask for a status on parent actions instead of showing their children's roll-up.",
    )
    data_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Raised by every write, so cached pages know."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("plans:tracker", args=[self.slug])

    def add_default_statuses(self):
        """Give a new plan the eight statuses of the real tracker; it may change them after."""
        Status.objects.bulk_create(
            Status(plan=self, sort_order=position, **values)
            for position, values in enumerate(DEFAULT_STATUSES, start=1)
        )

    def bump_version(self):
        """Mark every cached view of this plan stale. Call inside the writing transaction."""
        Plan.objects.filter(pk=self.pk).update(data_version=F("data_version") + 1)


# The vocabulary of the real tracker in ../shared/domain: a new plan starts with these.
DEFAULT_STATUSES = [
    {
        "label": "On track",
        "code": "ON",
        "rag": Rag.GREEN,
        "definition": "Progress against the action is good and there is i) a low level of "
        "issues; and/or ii) progress is in line with the delivery date with no/minor "
        "slippage (e.g. less than 1 month).",
        "leadership_action": "Leadership Team note progress and seek assurance that on track.",
        "synonyms": "On Track- little or no slippage\nGreen\nIn progress",
        "max_slippage_months": 1,
    },
    {
        "label": "Medium progress",
        "code": "MED",
        "rag": Rag.AMBER,
        "definition": "Progress on the action is being made but there is i) a medium level of "
        "issues and/or ii) slippage (actual/projected) of 1-2 months.",
        "leadership_action": "Leadership Team watching brief and review impact on dependencies.",
        "synonyms": "Medium Progress- actual/ projected slippage of 1-2 months\nAmber",
        "max_slippage_months": 2,
    },
    {
        "label": "Significant issues / slippage",
        "code": "SIG",
        "rag": Rag.RED,
        "definition": "There is a significant level of issues and/or slippage "
        "(e.g. more than 2 months).",
        "leadership_action": "Leadership Team review and remedy.",
        "synonyms": "Significant issues / actual/projected slippage- more than 2 months\n"
        "Significant issues\nRed\nDelayed",
    },
    {
        "label": "Not due to start",
        "code": "NDS",
        "rag": Rag.GREY,
        "definition": "Work on the action is not due to start.",
        "leadership_action": "",
        "synonyms": "Not yet due\nNot started",
        "counted": False,
    },
    {
        "label": "Complete",
        "code": "COM",
        "rag": Rag.BLUE,
        "definition": "Action is complete.",
        "leadership_action": "",
        "synonyms": "Completed\nDone",
        "counts_as_done": True,
    },
    {
        "label": "Closed",
        "code": "CLO",
        "rag": Rag.BLUE,
        "definition": "Action is complete and there is evidence that the measures of success "
        "have been fulfilled.",
        "leadership_action": "Evidence to be provided.",
        "synonyms": "",
        "counts_as_done": True,
        "needs_evidence": True,
    },
    {
        "label": "N/A",
        "code": "NA",
        "rag": Rag.GREY,
        "definition": "Update not required at this time.",
        "leadership_action": "",
        "synonyms": "Not applicable\nNo longer relevant",
        "counted": False,
    },
    {
        "label": "On hold",
        "code": "HOLD",
        "rag": Rag.GREY,
        "definition": "Action placed on hold due to different approach being considered.",
        "leadership_action": "",
        "synonyms": "Hold\nPaused",
    },
]


def normalise_label(text):
    """Lower case, single spaces, no punctuation at the ends: how labels are compared."""
    return re.sub(r"\s+", " ", str(text)).strip(" -–:.").lower()


class Status(models.Model):
    """One word of a plan's status vocabulary. The vocabulary is data, not code."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="statuses")
    label = models.CharField(max_length=100)
    code = models.CharField("short code", max_length=10)
    rag = models.CharField("RAG colour", max_length=5, choices=Rag.choices)
    definition = models.TextField(blank=True)
    leadership_action = models.TextField("what leadership does", blank=True)
    needs_evidence = models.BooleanField(default=False)
    counts_as_done = models.BooleanField(default=False)
    counted = models.BooleanField(
        "counted in percentages",
        default=True,
        help_text="Untick for statuses such as N/A that should not count towards percentages.",
    )
    max_slippage_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The most slippage (months behind the due date) this status allows; "
        "used to suggest a status from a projected date.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    synonyms = models.TextField(
        blank=True, help_text="Other labels meaning this status, one per line, used when importing."
    )

    class Meta:
        ordering = ["plan", "sort_order", "pk"]
        verbose_name_plural = "statuses"
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="status_label_unique_in_plan"),
            models.UniqueConstraint(fields=["plan", "code"], name="status_code_unique_in_plan"),
        ]

    def __str__(self):
        return self.label

    def synonym_list(self):
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]

    def add_synonym(self, text):
        if normalise_label(text) not in {normalise_label(s) for s in self.synonym_list()}:
            self.synonyms = "\n".join([*self.synonym_list(), text.strip()])


class Priority(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    name = models.CharField(max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "sort_order", "name"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="priority_unique_in_plan")
        ]

    def __str__(self):
        return self.name


class Theme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="themes"
    )
    name = models.CharField(max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="theme_unique_in_plan")
        ]

    def __str__(self):
        return self.name


class Workstream(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="workstreams")
    name = models.CharField(max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["theme", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "name"], name="workstream_unique_in_theme")
        ]

    def __str__(self):
        return self.name


class Post(models.Model):
    """A job people hold ("Head of HR"). Actions name posts, so a change of staff is one edit."""

    name = models.CharField(max_length=200, unique=True)
    holders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="posts")
    email = models.EmailField(blank=True, help_text="A shared mailbox for the post, if any.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Committee(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_committees",
    )
    vice_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vice_chaired_committees",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="committees"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ActionQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)

    def updatable_by(self, user):
        """Actions whose lead officer, update owner or other-lead post the user holds,
        directly or as someone's delegate."""
        people = [user.pk, *user.delegators.values_list("pk", flat=True)]
        return self.filter(
            Q(lead_officer__holders__in=people)
            | Q(update_owner__holders__in=people)
            | Q(other_leads__holders__in=people)
        ).distinct()


class Action(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="actions")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="actions")
    workstream = models.ForeignKey(
        Workstream, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    ref = models.CharField(max_length=50)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The focus action this one belongs to.",
    )
    title = models.TextField()
    description = models.TextField(blank=True)
    director = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_officer = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member_lead = models.CharField(
        max_length=200, blank=True, help_text="Cabinet member, portfolio holder or committee chair."
    )
    other_leads = models.ManyToManyField(Post, blank=True, related_name="+")
    update_owner = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who writes the monthly update, if not the lead officer.",
    )
    committees = models.ManyToManyField(Committee, blank=True, related_name="actions")
    start_text = models.CharField("start (as written)", max_length=100, blank=True)
    start_date = models.DateField(null=True, blank=True, editable=False)
    due_text = models.CharField("due (as written)", max_length=100, blank=True)
    due_date = models.DateField(null=True, blank=True, editable=False)
    risk = models.CharField("risk / focus", max_length=200, blank=True)
    outcome = models.TextField("outcome and measures of success", blank=True)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the action came from, e.g. a recommendation."
    )
    statutory = models.BooleanField("statutory function", default=False)
    contract = models.BooleanField(default=False)
    efficiency = models.BooleanField(default=False)
    support_function = models.BooleanField(default=False)
    sort_order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["sort_order", "created_at"])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "sort_order", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="action_ref_unique_in_plan")
        ]

    def __str__(self):
        return f"{self.ref} {self.title[:60]}"

    def save(self, *args, **kwargs):
        # The derived dates are a pure function of the text, so they can never disagree.
        self.start_date = dates.parse_fuzzy_date(self.start_text)
        self.due_date = dates.parse_fuzzy_date(self.due_text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("plans:action", args=[self.plan.slug, self.ref])


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
    history = HistoricalRecords()

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="one_round_per_plan_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="round_month_is_first_of_month"),
        ]

    def __str__(self):
        return f"{self.month:%B %Y} update, due by {self.due:%-d %B %Y}"

    @property
    def is_open(self):
        return self.closed_at is None


class Update(models.Model):
    """An action's progress for one month: the current wording. Every saved wording, this one
    included, is also kept as an UpdateRevision; nothing is overwritten without a trace."""

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

    class Meta:
        ordering = ["action", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["action", "month"], name="one_update_per_action_month"),
            models.CheckConstraint(
                condition=Q(month__day=1), name="update_month_is_first_of_month"
            ),
        ]

    def __str__(self):
        return f"{self.action.ref} {self.month:%B %Y}: {self.status}"

    @staticmethod
    def sign(user, when):
        return f"{user.get_initials()} {when:%d.%m.%y}"


class UpdateRevision(models.Model):
    """One saved wording of an update, in the order written. Rows are only ever added."""

    update = models.ForeignKey(Update, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField(blank=True)
    no_change = models.BooleanField(default=False)
    projected_completion = models.DateField(null=True, blank=True)
    signature = models.CharField(max_length=40, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["update", "version"]
        constraints = [
            models.UniqueConstraint(fields=["update", "version"], name="one_revision_per_version")
        ]

    def __str__(self):
        return f"{self.update} (version {self.version})"


def evidence_path(instance, filename):
    return f"evidence/{instance.update.action.plan.slug}/{instance.update.action_id}/{filename}"


class Evidence(models.Model):
    """A file or a link that backs up an update (required for statuses such as Closed)."""

    update = models.ForeignKey(Update, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, blank=True)
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
        return self.description or self.link or self.file.name


class ImportJob(models.Model):
    """One upload of a workbook: previewed, then confirmed and loaded (by a task when large)."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="imports"
    )
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
        default=dict, blank=True, help_text="Label as written -> status id, chosen by the admin."
    )
    preview = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_state_display()})"
