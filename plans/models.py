"""The plan and its progress: structure (priorities, themes, workstreams, actions), the
plan's own status vocabulary, the posts people hold, and the monthly updates."""

import re
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plans import dates, measures
from tracker import policy


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    GREY = "grey", "Grey"
    BLUE = "blue", "Blue (done)"


# Addresses under /plans/ that are not plans, so no plan may take them as its slug.
RESERVED_SLUGS = {"import", "delegate"}


def validate_plan_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is used by the service; choose another short name.")


class Plan(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, validators=[validate_plan_slug])
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
    updates_need_sign_off = models.BooleanField(
        default=False,
        help_text="Updates stay drafts until a performance officer or the action's director "
        "approves them; councillors see only approved updates.",
    )
    header_synonyms = models.JSONField(
        default=dict,
        blank=True,
        help_text="Column headings this plan's workbooks use, by field, remembered from imports.",
    )
    data_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Raised by every write, so cached pages know."
    )
    layout_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised by every write but monthly updates and figures: cached filter menus "
        "and other parts that show only the plan's layout know.",
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


# The vocabulary of a real council tracker: a new plan starts with these.
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
        "not_started": True,
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


class StatusQuerySet(models.QuerySet):
    def carrying_over(self):
        """Statuses that stand for the months after the update choosing them, so the action
        is not asked for an update again until someone chooses another: every status that
        counts as done, and those set "not asked while it holds"."""
        return self.filter(Q(counts_as_done=True) | Q(asked=Status.Asked.NOT_WHILE_HELD))


class Status(models.Model):
    """One word of a plan's status vocabulary. The vocabulary is data, not code."""

    class Asked(models.TextChoices):
        EVERY_MONTH = "every-month", "Asked every month"
        NOT_WHILE_HELD = "not-while-held", "Not asked while it holds"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="statuses")
    label = models.CharField(max_length=100)
    code = models.CharField("short code", max_length=10)
    rag = models.CharField("RAG colour", max_length=5, choices=Rag.choices)
    definition = models.TextField(blank=True)
    leadership_action = models.TextField("what leadership does", blank=True)
    needs_evidence = models.BooleanField(default=False)
    not_started = models.BooleanField(
        "means work has not started",
        default=False,
        help_text="Such as Not due to start: the update form warns when it is chosen after "
        "the action's start date.",
    )
    counts_as_done = models.BooleanField(default=False)
    asked = models.CharField(
        "update asked for",
        max_length=20,
        choices=Asked.choices,
        default=Asked.EVERY_MONTH,
        help_text="Whether an action with this status is asked for an update in the rounds "
        "after, such as N/A (update not required at this time). Statuses that count as done "
        "are never asked again until someone chooses another status.",
    )
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

    objects = StatusQuerySet.as_manager()

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

    def needing_update(self, round_):
        """The round's actions that still need an update: no update for the month yet, or one
        returned by the sign-off, unless the latest earlier update's status carries over
        (Complete, Closed: see Status.objects.carrying_over). Parent (focus) actions show
        their children's roll-up instead, unless the plan asks them to rate themselves."""
        this_month = Update.objects.filter(action=OuterRef("pk"), month=round_.month)
        latest_before = (
            Update.objects.filter(action=OuterRef(OuterRef("pk")), month__lt=round_.month)
            .order_by("-month")
            .values("pk")[:1]
        )
        carried = Update.objects.filter(
            pk=Subquery(latest_before), status__in=Status.objects.carrying_over()
        ).exclude(approval=Update.Approval.RETURNED)
        actions = self.filter(plan=round_.plan_id).filter(
            Exists(this_month.filter(approval=Update.Approval.RETURNED))
            | (~Exists(this_month) & ~Exists(carried))
        )
        if not round_.plan.parents_rate_themselves:
            actions = actions.exclude(children__isnull=False)
        return actions

    def rateable(self, plan):
        """Actions that carry their own status in `plan`'s updates."""
        actions = self.filter(plan=plan)
        if not plan.parents_rate_themselves:
            actions = actions.exclude(children__isnull=False)
        return actions

    # Two questions about whose an action is, asked of posts' holders. They differ on
    # purpose: anyone named on an action (its lead officer, update owner or an other lead)
    # MAY write its update, so permissions and the tracker's "lead" filter ask `held_by`;
    # but one post OWES it, the update owner's or, with none, the lead officer's, so that
    # only one person is reminded and chased per action, and reminders, the home page and
    # the chase list ask `answerable_by` (and `Action.answerable_post`, its Python twin).

    def led_by(self, posts):
        """Actions naming one of `posts` (posts, or a query of them) as lead officer, update
        owner or other lead."""
        others = Action.other_leads.through.objects.filter(post__in=posts).values("action")
        return self.filter(Q(lead_officer__in=posts) | Q(update_owner__in=posts) | Q(pk__in=others))

    def held_by(self, people):
        """Actions `people` (users or their ids, a list or a query) may write the update of:
        those naming a post they hold as lead officer, update owner or other lead."""
        return self.led_by(Post.objects.filter(holders__in=people))

    def answerable_by(self, people):
        """Actions whose update `people` (users or their ids, a list or a query) owe: those
        whose update owner post they hold or, naming no update owner, whose lead officer
        post they hold."""
        posts = Post.objects.filter(holders__in=people)
        return self.filter(
            Q(update_owner__in=posts) | Q(update_owner__isnull=True, lead_officer__in=posts)
        )

    def updatable_by(self, user):
        """Actions the user may write the update of, themselves or as someone's delegate."""
        return self.held_by([user.pk, *user.delegators.values_list("pk", flat=True)])


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
    priorities = models.ManyToManyField(
        Priority,
        blank=True,
        related_name="served_by",
        verbose_name="other priorities served",
        help_text="Plan priorities the action also contributes to, besides its theme's.",
    )
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
    updates_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised when an update of this action or a sub-action is written, so its "
        "cached page knows (with the plan's layout version, for everything else).",
    )
    # Who changed the title, dates or owners, when, and from what: shown on the action page.
    history = HistoricalRecords(
        excluded_fields=["sort_order", "created_at", "updates_version"], m2m_fields=[other_leads]
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "sort_order", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="action_ref_unique_in_plan")
        ]

    def __str__(self):
        return f"{self.ref} {self.title[:60]}"

    def save(self, *args, **kwargs):
        self.derive_dates()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("plans:action", args=[self.plan.slug, self.ref])

    @property
    def answerable_post(self):
        """The post whose holders owe this action's update (see ActionQuerySet.answerable_by),
        or None when it names neither an update owner nor a lead officer."""
        return self.update_owner or self.lead_officer

    def derive_dates(self):
        """Set the dates from the text people wrote; a pure function of it, so the two can
        never disagree. save() calls it; so must anything that bulk-creates actions."""
        self.start_date = dates.parse_fuzzy_date(self.start_text)
        self.due_date = dates.parse_fuzzy_date(self.due_text)

    def update_url(self, month):
        return reverse("plans:update", args=[self.plan.slug, self.ref, month.year, month.month])

    def rates_itself(self, has_children=None):
        """Does the action carry its own status? Parents show their children's roll-up
        unless the plan says otherwise. Pass `has_children` when already known."""
        if self.plan.parents_rate_themselves:
            return True
        return not (self.children.exists() if has_children is None else has_children)


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
            models.CheckConstraint(condition=Q(month__day=1), name="round_month_is_first_of_month"),
            models.CheckConstraint(
                condition=Q(month__range=(dates.FIRST_MONTH, dates.LAST_MONTH)),
                name="round_month_in_range",
                violation_error_message=f"The month must be within {dates.MONTH_RANGE}",
            ),
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
            models.CheckConstraint(
                condition=Q(month__day=1), name="update_month_is_first_of_month"
            ),
            models.CheckConstraint(
                condition=Q(month__range=(dates.FIRST_MONTH, dates.LAST_MONTH)),
                name="update_month_in_range",
                violation_error_message=f"The month must be within {dates.MONTH_RANGE}",
            ),
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


class MeasureQuerySet(models.QuerySet):
    def updatable_by(self, user):
        """Measures whose owner post the user holds, directly or as someone's delegate."""
        people = [user.pk, *user.delegators.values_list("pk", flat=True)]
        return self.filter(owner__holders__in=people).distinct()


class Measure(models.Model):
    """A figure tracked against a target each period: "Staff sickness absence (days lost per
    FTE)", quarterly, lower is better."""

    class Unit(models.TextChoices):
        NUMBER = "number", "Number"
        PERCENTAGE = "percentage", "Percentage"
        CURRENCY = "currency", "Currency (£)"
        DAYS = "days", "Days"

        @property
        def hint(self):
            """(what to enter, an example), for the field a figure is typed into."""
            return {
                "number": ("A number", "1250"),
                "percentage": ("A percentage", "85.5"),
                "currency": ("An amount in pounds", "12500"),
                "days": ("A number of days", "2.5"),
            }[self.value]

    class Direction(models.TextChoices):
        HIGHER = measures.HIGHER, "Higher is better"
        LOWER = measures.LOWER, "Lower is better"

    class Frequency(models.TextChoices):
        MONTHLY = measures.MONTHLY, "Monthly"
        QUARTERLY = measures.QUARTERLY, "Quarterly"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="measures")
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(
        blank=True, help_text="What it counts, and where the figure comes from."
    )
    owner = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The post whose holders enter its values.",
    )
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.NUMBER)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    frequency = models.CharField(
        max_length=9, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    baseline = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    baseline_when = models.CharField(
        "baseline period", max_length=50, blank=True, help_text="For example, 2022/23."
    )
    tolerance = models.DecimalField(
        "amber tolerance (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="How far short of the target, as a percentage of it, still counts as amber. "
        "Empty: anything short of the target is red.",
    )
    sort_order = models.PositiveIntegerField(default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="measure_name_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(priority__isnull=False) | Q(theme__isnull=False),
                name="measure_has_priority_or_theme",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0), name="measure_tolerance_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.priority_id is None and self.theme_id is None:
            raise ValidationError("Choose the priority or the theme the measure belongs to")
        for name in ("priority", "theme"):
            chosen = getattr(self, name)
            if chosen is not None and chosen.plan_id != self.plan_id:
                raise ValidationError({name: f"Choose a {name} of the measure's plan"})

    def rate(self, value, target):
        """measures.rate with this measure's direction and tolerance."""
        tolerance = None if self.tolerance is None else self.tolerance / 100
        return measures.rate(value, target, direction=self.direction, tolerance=tolerance)

    def format(self, value):
        return measures.format_value(value, self.unit)

    def period_label(self, start, long=False):
        return measures.period_label(start, self.frequency, long=long)


class MeasureTarget(models.Model):
    """The target for one period of a measure."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    period = models.DateField(help_text="The first month of the period.")
    target = models.DecimalField(max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["measure", "period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="one_target_per_period"),
            models.CheckConstraint(
                condition=Q(period__day=1), name="target_period_is_first_of_month"
            ),
            models.CheckConstraint(
                condition=Q(period__range=(dates.FIRST_MONTH, dates.LAST_MONTH)),
                name="target_period_in_range",
                violation_error_message=f"The month must be within {dates.MONTH_RANGE}",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.target} for {self.period:%B %Y}"


class MeasureValue(models.Model):
    """A measure's figure for one period, with the owner's commentary: the current wording.
    Every saved wording, this one included, is also kept as a MeasureValueRevision."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="values")
    period = models.DateField(help_text="The first month of the period.")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    commentary = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, help_text="Raised by each revision.")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["measure", "period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="one_value_per_period"),
            models.CheckConstraint(
                condition=Q(period__day=1), name="value_period_is_first_of_month"
            ),
            models.CheckConstraint(
                condition=Q(period__range=(dates.FIRST_MONTH, dates.LAST_MONTH)),
                name="value_period_in_range",
                violation_error_message=f"The month must be within {dates.MONTH_RANGE}",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.value} for {self.period:%B %Y}"


class MeasureValueRevision(models.Model):
    """One saved wording of a measure's value, in the order written. Rows are only ever added."""

    entry = models.ForeignKey(MeasureValue, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=16, decimal_places=4)
    commentary = models.TextField(blank=True)
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
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["entry", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "version"], name="one_measure_revision_per_version"
            )
        ]

    def __str__(self):
        return f"{self.entry} (version {self.version})"


class Source(models.Model):
    """Where actions come from: "LGA corporate peer challenge 2023", with its numbered
    recommendations."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True, help_text="Where to read the source.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="source_unique_in_plan")
        ]

    def __str__(self):
        return self.name


class Recommendation(models.Model):
    """One numbered recommendation of a source, under the area the source groups it in, and
    the actions that answer it."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    area = models.CharField(
        max_length=200, blank=True, help_text="The heading it is grouped under, e.g. Financial."
    )
    text = models.TextField()
    sort_order = models.PositiveSmallIntegerField(
        default=0, help_text="Its place in the source, which groups by area rather than number."
    )
    actions = models.ManyToManyField(Action, blank=True, related_name="recommendations")

    class Meta:
        ordering = ["source", "sort_order", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "number"], name="recommendation_number_unique_in_source"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"
