"""Forms for the monthly round: one action's update, a row of the all-my-actions page, sign-off,
rounds, delegation, and a measure's value. Rules about one update are checked here, keyed by
field, so errors show in place; plans/updates.py checks them again when saving."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from django import forms

from plans import evidence, ratings
from plans.models import Review
from tracker import policy
from tracker.models import User

NARRATIVE_HELP = "What has happened since last month, what is next, and any risks or issues."


class DateField(DateInputField):
    """The GOV.UK date input, which refuses a date with a part missing rather than dropping
    it: "3 / 2024" is not a date. Takes `error_messages`, which the GOV.UK field does not."""

    def __init__(self, *, error_messages=None, **kwargs):
        super().__init__(**kwargs)
        self.error_messages.update(error_messages or {})

    def clean(self, value):
        result = super().clean(value)
        if result is None and value and any(part not in (None, "") for part in value):
            raise forms.ValidationError("Enter the day, month and year", code="incomplete")
        return result


class UpdateForm(forms.Form):
    """One action's update for a month: status, narrative, projected date and evidence."""

    # Not required of the field: "No change" without a status means last month's (clean()).
    status = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, widget=forms.RadioSelect, label="Status"
    )
    no_change = forms.BooleanField(
        required=False,
        label="No change since last month",
        help_text="Last month's status and update stand. You can still add a note below.",
    )
    narrative = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), label="Update"
    )
    projected_completion = DateField(
        required=False,
        label="Projected completion date (optional)",
        help_text="When you now expect the action to be finished. For example, 31 3 2024",
    )
    evidence_file = forms.FileField(
        required=False,
        label="Evidence file (optional)",
        help_text=f"A {evidence.ALLOWED} file.",
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload"}),
    )
    evidence_link = forms.URLField(
        required=False,
        label="Or a link to the evidence (optional)",
        help_text="For example, a SharePoint document or a committee report.",
        assume_scheme="https",
        error_messages={
            "invalid": "Enter the link as a web address, like https://www.example.gov.uk/report"
        },
        # A text input: crispy-forms-gds styles those (and their errors), not URL inputs.
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    evidence_description = forms.CharField(
        required=False, max_length=300, label="What the evidence shows (optional)"
    )
    confirm_dates = forms.BooleanField(
        required=False, label="I have checked the definitions and this status is right"
    )
    reason = forms.CharField(required=False, max_length=300, label="Reason for the correction")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    # The fields an officer fills in; the rest are shown only when needed.
    evidence_fields = ["evidence_file", "evidence_link", "evidence_description"]

    def __init__(
        self,
        *args,
        action,
        month,
        statuses,
        previous=None,
        current=None,
        correction=False,
        has_evidence=False,
        confirmed=(),
        **kwargs,
    ):
        """`month` is the month reported on, which the dates are judged against; `confirmed`
        the date warnings the writer already confirmed on this month's update."""
        super().__init__(*args, **kwargs)
        self.action = action
        self.statuses = {status.pk: status for status in statuses}
        self.previous = previous
        self.has_evidence = has_evidence
        self.as_at = ratings.as_at(month)
        self.confirmed = set(confirmed)
        self.end = ratings.deadline(action.due_date, action.due_text)
        self.warnings = []
        self.dates_suggest = None
        self.fields["status"].choices = self.status_choices(statuses)
        self.fields["narrative"].help_text = NARRATIVE_HELP
        if previous is None:
            del self.fields["no_change"]
        if not correction:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = (
                "Say why you are correcting a closed round"
            )
        # The officer changes only what changed: the form opens on last month's status.
        saved = {"version": current.version if current else 0}
        if previous is not None:
            saved["status"] = previous.status_id
        if current is not None:
            saved.update(
                status=current.status_id,
                no_change=current.no_change,
                narrative=current.narrative,
                projected_completion=current.projected_completion,
            )
        self.initial = {**saved, **self.initial}

    @staticmethod
    def status_choices(statuses):
        return [Choice(status.pk, status.label, hint=status.definition) for status in statuses]

    def clean_status(self):
        chosen = self.cleaned_data["status"]
        if chosen is None:
            return None
        status = self.statuses.get(chosen)
        if status is None:
            raise forms.ValidationError("Choose a status")
        return status

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            self.evidence_kind = evidence.check(upload)
        return upload

    def evidence_given(self, data):
        return bool(data.get("evidence_file") or data.get("evidence_link"))

    def evidence_error(self, status):
        return f"“{status.label}” needs evidence: upload a file or give a link"

    def clean(self):
        data = super().clean()
        if not data.get("narrative", "").strip() and not data.get("no_change"):
            self.add_error(
                "narrative", "Enter what has happened since last month, or tick “No change”"
            )
        status = data.get("status")
        if status is None and data.get("no_change") and self.previous is not None:
            status = data["status"] = self.statuses.get(self.previous.status_id)
        if status is None:
            if not self.has_error("status"):
                self.add_error("status", "Choose a status")
            return data
        problem_with_evidence = any(self.has_error(name) for name in self.evidence_fields)
        if (
            status.needs_evidence
            and not self.has_evidence
            and not self.evidence_given(data)
            and not problem_with_evidence
        ):
            self.add_error(self.evidence_fields[0], self.evidence_error(status))
        projected = data.get("projected_completion")
        self.warnings = ratings.warnings(
            status,
            start=self.action.start_date,
            end=self.end,
            projected=projected,
            as_at=self.as_at,
        )
        # What the dates imply, to show beside the warnings: unfinished work ends with the
        # month reported on at the earliest.
        self.dates_suggest = ratings.suggest(
            self.statuses.values(), self.end, max(projected or self.as_at, self.as_at)
        )
        # A warning the writer confirmed on this update before is not asked about again.
        if self.unconfirmed() and not data.get("confirm_dates"):
            self.add_error(
                "confirm_dates",
                "The dates do not fit this status. Change the status or the date, or tick to "
                "confirm the status is right",
            )
        return data

    def unconfirmed(self):
        """The date warnings still to be confirmed: those not confirmed on this update before."""
        return [warning for warning in self.warnings if warning not in self.confirmed]

    def suggestion(self):
        """The status the projected date implies (entered, or saved earlier), or None."""
        if self.is_bound:
            projected = self.errors is not None and self.cleaned_data.get("projected_completion")
        else:
            projected = self.initial.get("projected_completion")
        return ratings.suggest(self.statuses.values(), self.end, projected)

    def as_initial(self):
        """What the officer typed, as initial values of a fresh form: for showing it again
        without error messages (a file chosen cannot be shown again)."""
        self.is_valid()
        typed = {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}
        status = typed.get("status")
        typed["status"] = status.pk if status else None
        return typed

    def submission(self):
        """submit_update's arguments from the cleaned form (without action, month, by)."""
        data = self.cleaned_data
        items = []
        if data.get("evidence_file") or data.get("evidence_link"):
            items.append(
                {
                    "file": data.get("evidence_file"),
                    "kind": getattr(self, "evidence_kind", None),
                    "link": data.get("evidence_link", ""),
                    "description": data.get("evidence_description", ""),
                }
            )
        return {
            "status": data["status"],
            "narrative": data.get("narrative", "").strip(),
            "no_change": bool(data.get("no_change")),
            "projected_completion": data.get("projected_completion"),
            "expected_version": data["version"],
            "reason": data.get("reason", ""),
            "confirmed_warnings": "\n".join(self.warnings),
            "evidence": items,
        }


class RowForm(UpdateForm):
    """One action on the all-my-actions page: the same rules, a compact layout, a link for
    evidence (files are uploaded on the action's own page). A row left blank is skipped."""

    evidence_fields = ["evidence_link"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("evidence_file", "evidence_description"):
            del self.fields[name]
        status = self.fields["status"]
        status.widget = forms.Select(attrs={"class": "govuk-select"})
        status.choices = [("", "Choose a status"), *status.choices]
        status.required = False
        self.fields["narrative"].widget.attrs["rows"] = 4
        self.fields["narrative"].help_text = ""
        self.fields["evidence_link"].label = "Link to evidence (optional)"
        self.fields["evidence_link"].help_text = ""
        if "no_change" in self.fields:
            self.fields["no_change"].help_text = ""

    @staticmethod
    def status_choices(statuses):
        return [(status.pk, status.label) for status in statuses]

    def is_blank(self):
        """Did the officer leave this row alone? Only meaningful once bound. The status the
        row opened with (last month's) is not a change."""
        fields = ("narrative", "no_change", "evidence_link")
        if any(self[name].value() for name in fields if name in self.fields):
            return False
        chosen = self["status"].value()
        if chosen not in (None, "") and str(chosen) != str(self.initial.get("status") or ""):
            return False
        return not any(self["projected_completion"].value() or [])

    def evidence_error(self, status):
        return (
            f"“{status.label}” needs evidence: give a link here, or upload a file on the "
            "action's own page"
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages={"required": "Choose whether to approve or return the update"},
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Note to the officer",
        help_text="Needed when you return an update: say what needs changing.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OpenRoundForm(forms.Form):
    month = DateField(
        label="Month being reported on",
        help_text="Any day in the month. For example, 1 1 2024 for the January 2024 update",
        error_messages={"required": "Enter the month being reported on"},
    )
    due = DateField(
        label="Updates due by",
        help_text="For example, 9 2 2024",
        error_messages={"required": "Enter the date updates are due by"},
    )

    def clean_month(self):
        return self.cleaned_data["month"].replace(day=1)


class ExtendRoundForm(forms.Form):
    due = DateField(
        label="New due date",
        help_text="For example, 16 2 2024",
        error_messages={"required": "Enter the new due date"},
    )


class ReopenRoundForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Why are you reopening the round?",
        help_text="Officers and auditors will see this in the round's history.",
        error_messages={"required": "Say why the round is being reopened"},
    )


class RemindForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), required=False)


class DelegateForm(forms.ModelForm):
    """Name someone who may update your actions while you are away: anyone active who writes
    updates (a lead officer, a director, a performance officer covering)."""

    class Meta:
        model = User
        fields = ["delegate"]
        labels = {"delegate": "Who may update your actions"}
        help_texts = {"delegate": "Choose “No delegate” when you are back."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["delegate"]
        field.queryset = (
            User.objects.filter(is_active=True, groups__name__in=policy.UPDATING_ROLES)
            .exclude(pk=self.instance.pk)
            .distinct()
        )
        field.empty_label = "No delegate"
        field.widget.attrs["class"] = "govuk-select"
