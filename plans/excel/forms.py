from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from plans.models import DEFAULT_STATUSES, Plan


class UploadForm(forms.Form):
    workbook = forms.FileField(
        label="Excel workbook or CSV file",
        help_text="An .xlsx workbook, or a .csv file such as a SharePoint list's export. "
        "Nothing is imported until you have checked the preview.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    suffixes = (".xlsx", ".csv")
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
        if not upload.name.lower().endswith(self.suffixes):
            raise forms.ValidationError(
                "Choose an Excel workbook saved as .xlsx"
                + (", or a CSV file." if ".csv" in self.suffixes else ".")
            )
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
    know means, and what each unrecognised column holds."""

    def __init__(self, *args, unmapped, unknown_headers, undecided, plan, **kwargs):
        super().__init__(*args, **kwargs)
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
                    " It names a month, so it may hold that month's status or update."
                    if required
                    else ""
                ),
            )

    def status_mapping(self):
        return {self.statuses[name]: self.cleaned_data[name] for name in self.statuses}

    def header_mapping(self):
        """{heading: field}; "" for a column to leave out."""
        return {self.headers[name]: self.cleaned_data[name].strip("-") for name in self.headers}


class SheetsForm(forms.Form):
    """Which of the workbook's sheets to import: a tick box for each, ticked unless left out."""

    prefix = "sheets"

    def __init__(self, *args, sheets, skipped, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["included"] = forms.MultipleChoiceField(
            label="Sheets to import",
            choices=[(sheet["name"], sheet["name"]) for sheet in sheets],
            initial=[sheet["name"] for sheet in sheets if sheet["name"] not in skipped],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="Untick a sheet to leave it out of the import.",
        )
        self.names = [sheet["name"] for sheet in sheets]

    def skipped(self):
        included = set(self.cleaned_data["included"])
        return [name for name in self.names if name not in included]
