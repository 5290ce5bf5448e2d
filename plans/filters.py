"""The tracker's filters: every one combinable and kept in the URL, so a filtered view can be
bookmarked, shared and exported exactly as shown."""

import datetime
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from plans import dates, summary
from plans.models import Action, Committee, Post, Priority, Rag, Theme, Update, Workstream
from tracker import policy

# The sortable columns and their headings. Every sort ends in plan order (see
# ActionFilter.ordering), so ties keep their familiar place.
SORTS = {
    "ref": "Ref",
    "title": "Action",
    "lead": "Lead officer",
    "due": "Due",
    "status": "Status",
    "month": "Month",
}

# The columns a reader may add to the tracker and its downloads (?columns=director&...):
# key -> (checkbox label, the sortable column it follows). "last_*" are the update for the
# month before the one shown (ActionFilter.last_month), as everyone may read it.
COLUMNS = {
    "other_leads": ("Other leads", "lead"),
    "director": ("Director", "lead"),
    "member_lead": ("Member lead", "lead"),
    "start": ("Start", "lead"),
    "last_status": ("Last month's status", "due"),
    "last_narrative": ("Last month's update", "due"),
}
# Kept in the URL beside the filters, but they choose what is shown, not which actions.
NOT_FILTERS = ("sort", "columns")


class ActionFilter(django_filters.FilterSet):
    """Filters a plan's actions. `plan` must know its months (see summary.current_month); `today`
    decides what is overdue. The filtered queryset carries the for_tracker() annotations, with
    the first `opening` characters of each narrative (None: all of it)."""

    q = django_filters.CharFilter(
        label="Search",
        method="filter_words",
        help_text="Words in the ref, title, description or any update",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    month = django_filters.ChoiceFilter(
        label="Status as at",
        method="filter_nothing",  # it changes what "latest status" means: see filter_queryset
        empty_label="Latest update",
    )
    status = django_filters.ModelMultipleChoiceFilter(
        label="Status",
        queryset=None,
        method="filter_status",
        widget=forms.CheckboxSelectMultiple,
    )
    rag = django_filters.MultipleChoiceFilter(
        label="RAG colour",
        choices=Rag.choices,
        method="filter_rag",
        widget=forms.CheckboxSelectMultiple,
    )
    priority = django_filters.ModelChoiceFilter(
        label="Priority",
        queryset=None,
        method="filter_priority",
        empty_label="Any",
        help_text="Its theme's, or one it also serves",
    )
    theme = django_filters.ModelChoiceFilter(label="Theme", queryset=None, empty_label="Any")
    workstream = django_filters.ModelChoiceFilter(
        label="Workstream", queryset=None, empty_label="Any"
    )
    lead = django_filters.ModelChoiceFilter(
        label="Lead officer or post",
        queryset=None,
        method="filter_post",
        empty_label="Any",
        help_text="Lead officer, other lead or update owner",
    )
    director = django_filters.ModelChoiceFilter(label="Director", queryset=None, empty_label="Any")
    member_lead = django_filters.ChoiceFilter(label="Member lead", empty_label="Any")
    committee = django_filters.ModelChoiceFilter(
        label="Committee", field_name="committees", queryset=None, empty_label="Any"
    )
    due_from = django_filters.DateFilter(
        label="Due from",
        field_name="due_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_to = django_filters.DateFilter(
        label="Due by",
        field_name="due_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    has_children = django_filters.ChoiceFilter(
        label="Kind of action",
        choices=[
            ("yes", "Focus actions (with sub-actions)"),
            ("no", "Actions without sub-actions"),
        ],
        method="filter_children",
        empty_label="All",
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue: due date passed and not complete",
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    missing = django_filters.BooleanFilter(
        label="No update for this month",
        method="filter_missing",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(f"{sign}{key}", key) for key in SORTS for sign in ("", "-")],
        method="filter_nothing",  # applied last, in filter_queryset
        empty_label="Plan order",
    )
    columns = django_filters.MultipleChoiceFilter(
        label="Columns to add",
        choices=[(key, label) for key, (label, _) in COLUMNS.items()],
        method="filter_nothing",  # chooses the columns: see chosen_columns
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Action
        fields = []

    def __init__(self, data=None, *, plan, today, committee=None, opening=400, **kwargs):
        actions = Action.objects.filter(plan=plan)
        if committee is not None:
            actions = actions.filter(committees=committee)
        super().__init__(data, queryset=actions, **kwargs)
        self.plan = plan
        self.today = today
        self.opening = opening
        self.current = summary.current_month(plan)
        self.statuses = list(plan.statuses.all())
        if committee is not None:
            del self.filters["committee"]
        if not Priority.objects.filter(plan=plan).exists():
            del self.filters["priority"]  # most plans have none: no empty menu
        used = Action.objects.filter(plan=plan)
        fields = self.form.fields
        fields["month"].choices = [
            (month.isoformat(), f"{month:%B %Y}") for month in summary.month_choices(plan)
        ]
        fields["status"].queryset = plan.statuses.all()
        fields["status"].iterator = StatusIterator
        if "priority" in fields:
            fields["priority"].queryset = Priority.objects.filter(plan=plan)
        fields["theme"].queryset = Theme.objects.filter(plan=plan)
        fields["workstream"].queryset = Workstream.objects.filter(theme__plan=plan).order_by(
            "theme__sort_order", "sort_order", "name"
        )
        fields["lead"].queryset = Post.objects.filter(
            Q(pk__in=used.values("lead_officer"))
            | Q(pk__in=used.values("update_owner"))
            | Q(pk__in=used.values("other_leads"))
        )
        fields["director"].queryset = Post.objects.filter(pk__in=used.values("director"))
        # A callable, so the query runs only when the menu is shown or the filter is used.
        fields["member_lead"].choices = lambda: [
            (name, name)
            for name in used.exclude(member_lead="")
            .order_by("member_lead")
            .values_list("member_lead", flat=True)
            .distinct()
        ]
        if "committee" in fields:
            fields["committee"].queryset = Committee.objects.filter(actions__plan=plan).distinct()
        if self.current:
            fields["missing"].label = f"No update for {self.current:%B %Y}"

    def more_in_use(self):
        """Is a filter other than the search box in use (so "More filters" starts open)?"""
        self.form.is_valid()  # cleans the form, if nothing has yet
        return any(
            value for key, value in self.form.cleaned_data.items() if key not in ("q", *NOT_FILTERS)
        ) or bool(self.form.errors)

    @property
    def chosen_columns(self):
        """The added columns asked for, in COLUMNS order."""
        if not self.is_bound:
            return []
        self.form.is_valid()  # cleans the form, if nothing has yet
        chosen = self.form.cleaned_data.get("columns") or []
        return [key for key in COLUMNS if key in chosen]

    def added_columns(self):
        """[(key, heading, the sortable column it follows)] of the chosen columns: last
        month's are headed with the month they are for."""
        last = f"{self.last_month:%B %Y}" if self.last_month else "last month"
        headings = {"last_status": f"Status, {last}", "last_narrative": f"Update, {last}"}
        return [
            (key, headings.get(key, COLUMNS[key][0]), COLUMNS[key][1])
            for key in self.chosen_columns
        ]

    @property
    def last_month(self):
        """The month before the one shown (the "status as at" month, or this month): the
        month of the last_status and last_narrative columns. None for a plan with no months."""
        shown = self.as_at or self.current
        return dates.add_months(shown, -1) if shown else None

    @property
    def as_at(self):
        """The month chosen for "status as at", or None for each action's latest update."""
        month = self.form.cleaned_data.get("month") if self.is_bound else None
        return datetime.date.fromisoformat(month) if month else None

    def filter_queryset(self, queryset):
        # Annotate first: the status filters and sorts read the latest status as at the
        # chosen month.
        queryset = summary.for_tracker(
            queryset, as_at=self.as_at, current=self.current, opening=self.opening
        )
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*self.ordering(self.form.cleaned_data.get("sort")))

    def rows(self, ids=None):
        """Tracker rows (dicts of summary.ROW_FIELDS, and the fields of the chosen columns)
        for the actions `ids`, in that order, or for every filtered action when None, with the
        statuses this filter set shows. Two queries at most, however many rows."""
        if ids is None:
            actions = self.qs
            rows = list(self._with_columns(actions))
        else:
            actions = Action.objects.filter(pk__in=ids)
            found = self._with_columns(
                summary.for_tracker(
                    actions, as_at=self.as_at, current=self.current, opening=self.opening
                )
            )
            by_id = {row["pk"]: row for row in found}
            rows = [by_id[pk] for pk in ids]
        if "other_leads" in self.chosen_columns:
            names = {}
            leads = Action.other_leads.through.objects.filter(action__in=actions.values("pk"))
            for action_id, name in leads.order_by("post__name").values_list(
                "action_id", "post__name"
            ):
                names.setdefault(action_id, []).append(name)
            for row in rows:
                row["other_leads"] = ", ".join(names.get(row["pk"], []))
        return rows

    def _with_columns(self, actions):
        """actions.values() of the row fields and those the chosen columns need."""
        chosen = self.chosen_columns
        fields = {
            "director": ["director__name"],
            "member_lead": ["member_lead"],
            "start": ["start_text", "start_date"],
        }
        extra = [name for key in chosen for name in fields.get(key, [])]
        if "last_status" in chosen or "last_narrative" in chosen:
            last = Update.objects.visible_to(policy.EVERYONE).filter(
                action=OuterRef("pk"), month=self.last_month
            )
            actions = actions.annotate(
                last_status_id=Subquery(last.values("status_id")[:1]),
                last_narrative=Subquery(last.values("narrative")[:1]),
            )
            extra += ["last_status_id", "last_narrative"]
        return actions.values(*summary.ROW_FIELDS, *extra)

    def ordering(self, sort):
        if not sort:
            return summary.PLAN_ORDER
        descending = sort.startswith("-")
        key = sort.lstrip("-")
        if key == "status":
            # The plan's own order of its vocabulary, e.g. On track before Significant issues.
            column = Case(
                *(When(latest_status_id=s.pk, then=Value(s.sort_order)) for s in self.statuses),
                output_field=IntegerField(),
            )
        else:
            column = F(
                {
                    "ref": "ref",
                    "title": "title",
                    "lead": "lead_officer__name",
                    "due": "due_date",
                    "month": "latest_month",
                }[key]
            )
        # Empty values (no due date, no update) go last either way.
        column = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
        return [column, *summary.PLAN_ORDER]

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_words(self, queryset, name, value):
        for word in value.split():
            in_updates = Update.objects.visible_to(policy.EVERYONE).filter(
                action=OuterRef("pk"), narrative__icontains=word
            )
            queryset = queryset.filter(
                Q(ref__icontains=word)
                | Q(title__icontains=word)
                | Q(description__icontains=word)
                | Exists(in_updates)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(latest_status_id__in=[s.pk for s in value])

    def filter_rag(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(latest_status_id__in=[s.pk for s in self.statuses if s.rag in value])

    def filter_priority(self, queryset, name, value):
        serving = Action.priorities.through.objects.filter(priority=value).values("action")
        return queryset.filter(Q(theme__priority=value) | Q(pk__in=serving))

    def filter_children(self, queryset, name, value):
        return queryset.filter(has_children=value == "yes")

    def filter_post(self, queryset, name, value):
        return queryset.led_by([value])

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        done = [s.pk for s in self.statuses if s.counts_as_done]
        # A due date on the first of a month usually stands for the month ("Mar-24"), so it
        # is overdue once that month is over; any other date once the day has passed.
        passed = Q(due_date__lt=dates.first_of_month(self.today)) | (
            Q(due_date__lt=self.today) & ~Q(due_date__day=1)
        )
        return queryset.filter(passed).exclude(latest_status_id__in=done)

    def filter_missing(self, queryset, name, value):
        if not value or self.current is None:
            return queryset
        return queryset.filter(summary.needs_update(self.plan), has_current_update=False)

    def in_use(self):
        """(label, value in words) for each filter in use, so the page, and a printout of
        it, says what it shows."""
        found = []
        for name, value in self.form.cleaned_data.items():
            if not value or name in NOT_FILTERS:
                continue
            field = self.form.fields[name]
            if isinstance(value, bool):
                words = "yes"
            elif isinstance(value, datetime.date):
                words = f"{value:%-d %B %Y}"
            elif name == "rag":
                words = ", ".join(Rag(v).label for v in value)
            elif name == "status":
                words = ", ".join(s.label for s in value)
            elif isinstance(value, str) and hasattr(field, "choices"):
                words = str(dict(field.choices).get(value, value))
            else:
                words = str(value)
            found.append((field.label, words))
        return found

    def unfiltered_query(self):
        """The query string of this view without its filters: the sort and columns kept, for
        "Clear filters"."""
        kept = [(key, value) for key in NOT_FILTERS for value in self.data.getlist(key)]
        return urlencode(kept)

    def is_filtered(self):
        """Is anything other than the sort chosen?"""
        return any(value for key, value in self.form.cleaned_data.items() if key not in NOT_FILTERS)


class StatusIterator(forms.models.ModelChoiceIterator):
    """Labels each status choice with its RAG colour in words, so the colour is never needed."""

    def choice(self, obj):
        value, _ = super().choice(obj)
        return value, f"{obj.label} ({obj.rag})"


class MonthForm(forms.Form):
    """Choose the month a dashboard shows, from the months the plan has."""

    month = forms.ChoiceField(label="Month", required=False)

    def __init__(self, data, *, months):
        super().__init__(data)
        self.fields["month"].choices = [(m.isoformat(), f"{m:%B %Y}") for m in months]

    def chosen(self):
        """The month asked for, or None when none (or one the plan does not have) was."""
        if self.is_valid() and self.cleaned_data["month"]:
            return datetime.date.fromisoformat(self.cleaned_data["month"])
        return None

    def ignored(self):
        """What was asked for when it is not one of the plan's months ("0001-01-01", "soon"),
        so the page can say it showed another; otherwise ""."""
        return "" if self.chosen() else self.data.get("month", "")
