from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from plans.excel import periods
from plans.models import DEFAULT_STATUSES, Plan


class UploadForm(forms.Form):
    workbook = forms.FileField(
        label="Excel workbook",
        help_text="An .xlsx file. Nothing is imported until you have checked the preview.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.all(),
        required=False,
        label="Import into",
        empty_label="A new plan",
        help_text="Importing into an existing plan updates what changed and adds new months; "
        "it never deletes anything.",
    )
    new_plan_name = forms.CharField(
        label="Name of the new plan",
        required=False,
        max_length=200,
        help_text="For example, Corporate Plan 2024-28. Leave empty when importing into a plan.",
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the largest that can be imported "
                f"is {filesizeformat(settings.IMPORT_MAX_BYTES)}."
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Choose an Excel workbook saved as .xlsx.")
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("plan") and not data.get("new_plan_name", "").strip():
            self.add_error("new_plan_name", "Enter a name for the new plan, or choose a plan.")
        return data


FIELD_LABELS = {
    "ref": "Ref",
    "title": "The action",
    "description": "Description",
    "theme": "Theme",
    "workstream": "Workstream",
    "priority": "Priority",
    "director": "Director",
    "lead_officer": "Lead officer",
    "member_lead": "Member lead (cabinet member, portfolio holder)",
    "other_leads": "Other leads",
    "update_owner": "Update owner",
    "committees": "Committees",
    "start": "Start date",
    "due": "Due date",
    "risk": "Risk / focus",
    "outcome": "Outcome and measures of success",
    "source": "Source",
    "status": "A month's status",
    "narrative": "A month's update",
}


class MappingForm(forms.Form):
    """The administrator's answers before an import: what each status word the plan does not
    know means, what each unrecognised column holds, and which month or financial year
    columns naming none are for."""

    def __init__(
        self,
        *args,
        unmapped,
        unknown_headers,
        undecided,
        plan,
        month_needed=(),
        year_needed=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if month_needed:
            shown = "; ".join(
                f"{sheet}, column {column} “{header}” ({rows} row{'s' if rows != 1 else ''})"
                for sheet, column, header, rows in month_needed
            )
            self.fields["month"] = forms.CharField(
                label="Which month are the current status and update for?",
                help_text=f"Write it as YYYY-MM, for example 2024-01. No Modified or Last "
                f"updated date gives it: {shown}.",
                max_length=20,
            )
        if year_needed:
            shown = "; ".join(
                f"{sheet}, column {column} “{header}”" for sheet, column, header in year_needed
            )
            self.fields["financial_year"] = forms.CharField(
                label="Which financial year are the quarters in?",
                help_text=f"Write it as 2023/24 (Q1 is April to June 2023). The headings give "
                f"no year and the plan has no start date: {shown}.",
                max_length=20,
            )
        labels = (
            list(plan.statuses.values_list("label", flat=True))
            if plan
            else [status["label"] for status in DEFAULT_STATUSES]
        )
        choices = [("", "Choose a status"), *[(label, label) for label in labels]]
        self.statuses, self.headers = {}, {}
        for index, (written, places) in enumerate(sorted(unmapped.items())):
            name = f"status_{index}"
            self.statuses[name] = written
            shown = ", ".join(places[:5]) + (
                f" and {len(places) - 5} more" if len(places) > 5 else ""
            )
            self.fields[name] = forms.ChoiceField(
                label=f"“{written}” means", choices=choices, help_text=f"Found in {shown}."
            )
        must_decide = {header for _, _, header in undecided}
        seen = set()
        for sheet, column, header in unknown_headers:
            if header in seen:
                continue
            seen.add(header)
            name = f"column_{len(self.headers)}"
            self.headers[name] = header
            required = header in must_decide
            first = ("", "Choose what this column holds") if required else ("", "Leave it out")
            self.fields[name] = forms.ChoiceField(
                label=f"Column “{header}” holds",
                choices=[
                    first,
                    *FIELD_LABELS.items(),
                    *([("-", "Leave it out")] if required else []),
                ],
                required=required,
                help_text=f"{sheet}, column {column}."
                + (
                    " It names a month or quarter, so it may hold that period's status or update."
                    if required
                    else ""
                ),
            )

    def clean_month(self):
        try:
            return periods.parse_month(self.cleaned_data["month"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_financial_year(self):
        try:
            return periods.parse_year(self.cleaned_data["financial_year"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def periods_given(self):
        """{"month": date, "financial_year": year} for the questions asked."""
        return {
            name: self.cleaned_data[name]
            for name in ("month", "financial_year")
            if name in self.fields
        }

    def status_mapping(self):
        return {self.statuses[name]: self.cleaned_data[name] for name in self.statuses}

    def header_mapping(self):
        """{heading: field}; "" for a column to leave out."""
        return {self.headers[name]: self.cleaned_data[name].strip("-") for name in self.headers}
