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
