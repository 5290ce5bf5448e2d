"""The plan's structure: the plan, its status vocabulary, priorities, themes and workstreams,
the posts people hold, committees, and the actions themselves."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans import dates


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    GREY = "grey", "Grey"
    BLUE = "blue", "Blue (done)"


# Addresses under /plans/ that are not plans, so no plan may take them as its slug.
RESERVED_SLUGS = {"import", "delegate", "email-settings"}


def validate_plan_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is used by the service; choose another short name.")


class LeadOfficerFrom(models.TextChoices):
    """The workbook column that gives each imported action's lead officer."""

    LEAD_OFFICER = "lead_officer", "Lead officer"
    OTHER_LEADS = "other_leads", "Other leads (the first named)"
    DIRECTOR = "director", "Director"
    UPDATE_OWNER = "update_owner", "Update owner"


class Plan(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, validators=[validate_plan_slug])
    organisation = models.CharField("organisation name", max_length=200)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next",
        help_text="The plan of the year before, whose open actions this one carried on "
        "(plans/rollover.py).",
    )
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

    class QuarterMonth(models.IntegerChoices):
        FIRST = 1, "The first month of the quarter (April, July, October, January)"
        MIDDLE = 2, "The middle month (May, August, November, February)"
        LAST = 3, "The last month of the quarter (June, September, December, March)"

    quarter_month = models.PositiveSmallIntegerField(
        "month a quarter's update is kept on",
        choices=QuarterMonth,
        default=QuarterMonth.LAST,
        help_text="Updates are kept by month: a workbook's quarterly status and update (Q1 "
        "2023/24) are kept on this month of the quarter. Set it before the first import; it "
        "cannot change once the plan has updates.",
    )

    class PublicAsAt(models.TextChoices):
        REPORT = "report", "As at the latest published committee report's month"
        APPROVED = "approved", "The latest approved updates"

    public = models.BooleanField(
        "public page",
        default=False,
        help_text="Show the plan's signed-off progress and published committee reports to "
        "anyone, without signing in, at /public/<plan>/.",
    )
    public_as_at = models.CharField(
        "public page shows",
        max_length=10,
        choices=PublicAsAt.choices,
        default=PublicAsAt.REPORT,
        help_text="Which statuses count as published: those a committee has seen in a "
        "published report, or every approved update as soon as it is approved.",
    )
    public_shows_officers = models.BooleanField(
        "public page names officers",
        default=False,
        help_text="Show each action's lead officer post on the public page.",
    )
    header_synonyms = models.JSONField(
        default=dict,
        blank=True,
        help_text="Column headings this plan's workbooks use, by field, remembered from imports.",
    )
    measure_header_synonyms = models.JSONField(
        default=dict,
        blank=True,
        help_text="Column headings this plan's workbooks of measures use, by field or period "
        "kind, remembered from imports.",
    )
    lead_officer_from = models.CharField(
        "lead officer column",
        max_length=20,
        blank=True,
        choices=LeadOfficerFrom.choices,
        help_text="The workbook column giving each action's lead officer, remembered from "
        "imports; empty: the Lead officer column, or else the first of Other leads.",
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

    def clean(self):
        """The quarter's month stays as it is once updates are kept by it: changed, the next
        import would keep the same quarter's update on a second month."""
        super().clean()
        if self.pk is None:
            return
        kept = Plan.objects.filter(pk=self.pk).values_list("quarter_month", flat=True).first()
        if (
            kept not in (None, self.quarter_month)
            and self.actions.filter(updates__isnull=False).exists()
        ):
            raise ValidationError(
                {
                    "quarter_month": "This plan already has updates kept by month, so the month "
                    "a quarter's update is kept on can no longer change."
                }
            )

    @property
    def year_label(self):
        """The financial year the plan starts in, as people write it ("2023/24"), or ""."""
        return dates.year_label(dates.financial_year(self.start)) if self.start else ""

    def not_given_status(self):
        """The plan's status for an imported update that gave words but no status: made the
        first time one is imported, grey, never counted and never offered to officers."""
        status = self.statuses.filter(not_given=True).first()
        if status is None:
            taken = set(self.statuses.values_list("code", flat=True))
            labels = set(self.statuses.values_list("label", flat=True))
            code = next(c for c in ("NG", "NOTGIVEN", "NG?", "-") if c not in taken)
            status = Status.objects.create(
                plan=self,
                label=next(x for x in ("Not given", "Status not given") if x not in labels),
                code=code,
                rag=Rag.GREY,
                definition="No status was given: the update was imported with words only.",
                counted=False,
                not_given=True,
                sort_order=self.statuses.count() + 1,
            )
        return status

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
        # BRAG trackers mark a finished action Blue.
        "synonyms": "Completed\nDone\nBlue",
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
    def offered(self):
        """The statuses an officer may choose: all but the one standing for none given."""
        return self.filter(not_given=False)

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
    not_given = models.BooleanField(
        "stands for no status given",
        default=False,
        editable=False,
        help_text="The status of an imported update whose workbook gave words but no status. "
        "Never offered to officers and never counted in percentages.",
    )

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "sort_order", "pk"]
        verbose_name_plural = "statuses"
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="status_label_unique_in_plan"),
            models.UniqueConstraint(fields=["plan", "code"], name="status_code_unique_in_plan"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(not_given=True), name="one_not_given_status_in_plan"
            ),
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
        Update = self.model.updates.field.model  # progress.py builds on this module
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


class ActionHistory(HistoricalRecords):
    """simple-history records a many-to-many change made from the action's side
    (action.committees.set(...)); one made from the other side (committee.actions.add(...))
    it would try to record on the committee, which keeps no history. Here it is recorded on
    each action added or removed instead; a clear from the other side names no actions, so
    it goes unrecorded, as the Django admin never makes one."""

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        for changed in self.cls.objects.filter(pk__in=pk_set or ()):
            super().m2m_changed(changed, action, attr, None, False, **kwargs)
        return None


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
    # Who changed the title, dates, owners or committees, when, and from what: shown on the
    # action page.
    history = ActionHistory(
        excluded_fields=["sort_order", "created_at", "updates_version"],
        m2m_fields=[other_leads, committees],
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
