"""Asking for a report, and adding a committee meeting."""

from crispy_forms_gds.fields import DateInputField
from django import forms

from plans.dates import add_months
from plans.models import Committee, Plan
from reports import periods
from reports.models import Meeting, Report

# The most periods offered: three years of quarters, halves and years.
YEARS_OFFERED = 3


def period_choices(today):
    """Periods that have ended, newest first, grouped by kind for a select's option groups.
    Values are "kind:code", e.g. "quarterly:2024-Q3"."""
    last = add_months(today.replace(day=1), -1)
    first = add_months(last, -12 * YEARS_OFFERED + 1)
    ended = periods.between(first, last)
    return [
        (label, [(f"{p.kind}:{p.code}", p.label) for p in ended if p.kind == kind])
        for kind, label in Report.Kind.choices
    ]


class ReportForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.all(), empty_label=None, error_messages={"required": "Choose a plan"}
    )
    period = forms.ChoiceField(
        label="Period",
        help_text="Quarters, half years and years run from April. Statuses are those of the "
        "period's last month.",
        error_messages={"required": "Choose a period", "invalid_choice": "Choose a period"},
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.all(),
        required=False,
        empty_label="The whole plan",
        label="Actions",
        help_text="A committee's report covers only the actions listed for that committee.",
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not for a particular meeting",
        label="Meeting (optional)",
        help_text="The meeting it goes to, which sets its publication deadline.",
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(today)
        # Any meeting, past ones too: a report may be tied to the meeting it went to.
        field = self.fields["meeting"]
        field.queryset = Meeting.objects.select_related("committee")
        meetings = list(field.queryset)
        field.choices = [
            ("", field.empty_label),
            ("Coming meetings", [(m.pk, str(m)) for m in meetings if m.date >= today]),
            ("Earlier meetings", [(m.pk, str(m)) for m in meetings if m.date < today][::-1]),
        ]

    def clean_period(self):
        kind, _, code = self.cleaned_data["period"].partition(":")
        return periods.parse(kind, code)

    def clean(self):
        data = super().clean()
        committee, meeting = data.get("committee"), data.get("meeting")
        if committee and meeting and meeting.committee_id != committee.pk:
            self.add_error(
                "meeting",
                f"Choose a meeting of the {committee.name}, or report on the whole plan",
            )
        return data


class MeetingForm(forms.ModelForm):
    date = DateInputField(label="Date of the meeting", help_text="For example, 18 7 2025")

    class Meta:
        model = Meeting
        fields = ["committee", "date"]
        error_messages = {"committee": {"required": "Choose a committee"}}

    def clean(self):
        data = super().clean()
        committee, date = data.get("committee"), data.get("date")
        if committee and date and Meeting.objects.filter(committee=committee, date=date).exists():
            self.add_error("date", f"The {committee.name} already meets on that day")
        return data

    def validate_unique(self):
        # clean() above says it in words a clerk can act on.
        pass


class WordsForm(forms.Form):
    """The officers' words for some of a report's fields (reports.wording.Field), one text
    box each, with the versions the writer saw so a save over someone else's is refused."""

    versions = forms.JSONField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, fields, words, initial_values=None, **kwargs):
        self.words_fields = fields
        kwargs.setdefault(
            "initial",
            {
                "versions": {key: w.version for key, w in words.items()},
                **{
                    self.name(f): words[f.key].text
                    if f.key in words
                    else (initial_values or {}).get(f.key, "")
                    for f in fields
                },
            },
        )
        super().__init__(*args, **kwargs)
        for f in fields:
            self.fields[self.name(f)] = forms.CharField(
                label=f.label,
                help_text=f.hint,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 2 if f.key.startswith("cover:") else 5}),
            )

    @staticmethod
    def name(field):
        # Field keys hold priority names; the form's names are plain.
        return "w-" + field.key.replace(":", "-").replace(" ", "_")

    def bound(self, field):
        return self[self.name(field)]

    def values(self):
        """{key: text} of every field, line endings as typed, outer blank space removed."""
        return {f.key: self.cleaned_data[self.name(f)].strip() for f in self.words_fields}

    def seen_versions(self):
        versions = self.cleaned_data.get("versions") or {}
        return {key: int(value) for key, value in versions.items() if str(value).isdigit()}


class RiskForm(forms.Form):
    """One row of the cover report's risk table; a row left empty is no row."""

    description = forms.CharField(label="Description of the risk", required=False, max_length=2000)
    impact = forms.CharField(label="Impact", required=False, max_length=40)
    likelihood = forms.CharField(label="Likelihood", required=False, max_length=40)
    mitigation = forms.CharField(label="Mitigating action", required=False, max_length=2000)
    residual_impact = forms.CharField(
        label="Impact after mitigation", required=False, max_length=40
    )
    residual_likelihood = forms.CharField(
        label="Likelihood after mitigation", required=False, max_length=40
    )

    def clean(self):
        data = super().clean()
        if any(data.get(name) for name in self.fields) and not data.get("description"):
            self.add_error("description", "Describe the risk, or empty the row")
        return data

    def row(self):
        return [self.cleaned_data.get(name, "").strip() for name in self.fields]


RiskFormSet = forms.formset_factory(RiskForm, extra=2, max_num=30, absolute_max=30)


def risk_rows(formset):
    """The filled rows of a valid risk formset, in order."""
    return [row for row in (form.row() for form in formset.forms) if any(row)]


def risk_initial(rows):
    names = list(RiskForm.base_fields)
    return [dict(zip(names, row, strict=False)) for row in rows]
