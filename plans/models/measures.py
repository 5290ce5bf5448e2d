"""Measures (KPIs): what is measured, its targets, and the values reported with every wording
kept."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q

from plans.measures import rating
from plans.models.months import month_constraints
from plans.models.structure import Committee, Plan, Post, Priority, Theme


class MeasureQuerySet(models.QuerySet):
    def updatable_by(self, user):
        """Measures whose owner post the user holds, directly or as someone's delegate."""
        people = [user.pk, *user.delegators.values_list("pk", flat=True)]
        return self.filter(owner__holders__in=people).distinct()

    def with_assigned(self, committee):
        """Each measure with `assigned`: is it assigned to `committee` (Measure.committees)?
        The rule for which measures a committee's report carries."""
        through = Measure.committees.through.objects.filter(
            measure=OuterRef("pk"), committee=committee
        )
        return self.annotate(assigned=Exists(through))

    def assigned_to(self, committee):
        return self.with_assigned(committee).filter(assigned=True)


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
        HIGHER = rating.HIGHER, "Higher is better"
        LOWER = rating.LOWER, "Lower is better"

    class Frequency(models.TextChoices):
        MONTHLY = rating.MONTHLY, "Monthly"
        QUARTERLY = rating.QUARTERLY, "Quarterly"

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
    committees = models.ManyToManyField(
        Committee,
        blank=True,
        related_name="measures",
        help_text="The committees whose reports include it. A committee's report shows only "
        "the measures given to it here.",
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
        """rating.rate with this measure's direction and tolerance."""
        tolerance = None if self.tolerance is None else self.tolerance / 100
        return rating.rate(value, target, direction=self.direction, tolerance=tolerance)

    def format(self, value):
        return rating.format_value(value, self.unit)

    def period_label(self, start, long=False):
        return rating.period_label(start, self.frequency, long=long)


class MeasureTarget(models.Model):
    """The target for one period of a measure."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    period = models.DateField(help_text="The first month of the period.")
    target = models.DecimalField(max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["measure", "period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="one_target_per_period"),
            *month_constraints("period", "target_period"),
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
            *month_constraints("period", "value_period"),
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
