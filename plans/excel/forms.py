import datetime
import re

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from plans import dates
from plans.excel import periods
from plans.excel.headers import PRIORITY_SERVED
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
    "due_quarter": "Quarter for completion (a number)",
    "risk": "Risk / focus",
    "outcome": "Outcome and measures of success",
    "source": "Source",
    "statutory": "Statutory function (Yes / No)",
    "contract": "Contract (Yes / No)",
    "support_function": "Support function (Yes / No)",
    "efficiency": "Efficiency (Yes / No)",
    "status": "Status of its month or quarter",
    "narrative": "Update of its month or quarter",
    PRIORITY_SERVED: "Serves the priority it names (Yes)",
}


def column_kind(becomes):
    """The choice in the mapping table for a column read as `becomes` (see read.Column)."""
    return "" if becomes == "?" else becomes.partition(":")[0]


def read_as(becomes, stored_on=periods.LAST_MONTH_OF_QUARTER):
    """What a column read as `becomes` holds, in words: "Status for January 2024". A
    quarter's is stored on its month `stored_on` (the plan's Plan.quarter_month)."""
    kind, _, detail = becomes.partition(":")
    if becomes == "?":
        return "Not recognised: left out unless you choose"
    if not kind:
        return "Left out"
    if kind in ("status", "narrative"):
        return f"{'Status' if kind == 'status' else 'Update'} for {period_words(detail, stored_on)}"
    if kind == PRIORITY_SERVED:
        return f"Serves the priority “{detail}” where it says Yes"
    return FIELD_LABELS.get(kind, kind).split(" (")[0]


def period_words(detail, stored_on=periods.LAST_MONTH_OF_QUARTER):
    """The period of a status or update column (read.Column's "YYYY-MM", a quarter's label,
    or "current") in words: "January 2024", "Q1 2023/24 (stored on June 2023)"."""
    if detail == periods.CURRENT.label:
        return "the month of its row's Modified date, or the month asked"
    if re.fullmatch(r"\d{4}-\d{2}", detail):
        return f"{datetime.datetime.strptime(detail, '%Y-%m'):%B %Y}"
    period = periods.period_in_text(detail, stored_on=stored_on)
    if period is None or period.month is None:
        return f"{detail} (of the financial year asked)"
    if period.kind == "quarter":
        return f"{period.label} (stored on {period.month:%B %Y})"
    return period.label


def month_labels(months):
    """ "YYYY-MM" months as people read them, with their financial quarter: "January 2024
    (Q4 2023/24)"."""
    labels = []
    for text in months:
        month = datetime.datetime.strptime(text, "%Y-%m").date()
        year = dates.year_label(dates.financial_year(month))
        labels.append(f"{month:%B %Y} (Q{dates.quarter(month)} {year})")
    return labels


def _places(places):
    """Where a word was found, as the preview stores it (load.capped): "A!C2, A!C3, and 4 more"."""
    return ", ".join(places)


class MappingForm(forms.Form):
    """The administrator's answers before an import, in one round: what each status word the
    plan does not know means, what each word read by a partial match means (as read, unless
    changed), and what every column holds: its row of the mapping table."""

    def __init__(self, *args, plan, preview, **kwargs):
        super().__init__(*args, **kwargs)
        stored_on = periods.plan_quarter_month(plan)
        self.period_questions(preview)
        labels = (
            list(plan.statuses.values_list("label", flat=True))
            if plan
            else [status["label"] for status in DEFAULT_STATUSES]
        )
        choices = [("", "Choose a status"), *[(label, label) for label in labels]]
        self.statuses, self.headers, self.rows = {}, {}, []
        questions = [
            ("status", preview.get("unmapped", {}), True, "“{}” means", "Found in {}."),
            (
                "maybe",
                preview.get("maybe_unmapped", {}),
                False,
                "If its column holds statuses, “{}” means",
                "Found in {}, a column not yet recognised. Leave it if the column is left out.",
            ),
        ]
        for prefix, words, required, label, hint in questions:
            for index, (written, places) in enumerate(sorted(words.items())):
                name = f"{prefix}_{index}"
                self.statuses[name] = written
                self.fields[name] = forms.ChoiceField(
                    label=label.format(written),
                    choices=choices,
                    required=required,
                    help_text=hint.format(_places(places)),
                )
        for index, (written, (label, places)) in enumerate(
            sorted(preview.get("read_as", {}).items())
        ):
            name = f"readas_{index}"
            self.statuses[name] = written
            self.fields[name] = forms.ChoiceField(
                label=f"“{written}” was read as {label}",
                choices=choices[1:],
                initial=label,
                required=False,
                help_text=f"Found in {_places(places)}. Change it if it means something else.",
            )
        must_decide = {header for _, _, header in preview.get("undecided_headers", [])}
        self.initial_kinds = {}
        by_heading = {}
        for column in preview.get("columns", []):
            heading = column["heading"]
            field_name = by_heading.get(heading)
            if field_name is None:
                field_name = by_heading[heading] = f"column_{len(by_heading)}"
                self.headers[field_name] = heading
                self.initial_kinds[field_name] = kind = column_kind(column["becomes"])
                required = heading in must_decide
                first = ("", "Choose what this column holds") if required else ("", "Left out")
                self.fields[field_name] = forms.ChoiceField(
                    label=f"Column {column['letter']} “{heading}” becomes",
                    choices=[
                        first,
                        *FIELD_LABELS.items(),
                        *([("-", "Left out")] if required else []),
                    ],
                    required=required,
                    initial=kind,
                )
                self.rows.append((column, self[field_name], read_as(column["becomes"], stored_on)))
            else:
                self.rows.append((column, None, read_as(column["becomes"], stored_on)))

    def period_questions(self, preview):
        """Which month a current Status / Latest Update pair is for when no Modified date
        says, and which financial year quarters written without a year are in."""
        if needed := preview.get("month_needed"):
            shown = "; ".join(
                f"{sheet}, column {column} “{header}” ({rows} row{'s' if rows != 1 else ''})"
                for sheet, column, header, rows in needed
            )
            self.fields["month"] = forms.CharField(
                label="Which month are the current status and update for?",
                help_text=f"Write it as YYYY-MM, for example 2024-01. No Modified or Last "
                f"updated date gives it: {shown}.",
                max_length=20,
            )
        if needed := preview.get("year_needed"):
            shown = "; ".join(
                f"{sheet}, column {column} “{header}”" for sheet, column, header in needed
            )
            self.fields["financial_year"] = forms.CharField(
                label="Which financial year are the quarters in?",
                help_text=f"Write it as 2023/24 (Q1 is April to June 2023). The headings give "
                f"no year and the plan has no start date: {shown}.",
                max_length=20,
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
        """{"month": date, "financial_year": year} for the period questions asked."""
        return {
            name: self.cleaned_data[name]
            for name in ("month", "financial_year")
            if name in self.fields
        }

    @property
    def period_fields(self):
        return [self[name] for name in ("month", "financial_year") if name in self.fields]

    @property
    def status_fields(self):
        return [self[name] for name in self.statuses]

    def status_mapping(self):
        """{word as written: status label} for every answered status question."""
        return {
            written: self.cleaned_data[name]
            for name, written in self.statuses.items()
            if self.cleaned_data.get(name)
            and not (name.startswith("readas_") and self.cleaned_data[name] == self[name].initial)
        }

    def header_mapping(self):
        """{heading: field}, "" for a column to leave out: each column whose row the
        administrator changed, and each unrecognised one (answered, so not asked again)."""
        mapping = {}
        for name, heading in self.headers.items():
            if self.add_prefix(name) not in self.data:
                continue  # a form without the table (or this row) changes nothing
            chosen = self.cleaned_data[name].strip("-")
            initial = self.initial_kinds[name]
            unrecognised = any(
                column["heading"] == heading and column["becomes"] == "?"
                for column, _, _ in self.rows
            )
            if chosen != initial or unrecognised:
                mapping[heading] = chosen
        return mapping


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


class LeadOfficerForm(forms.Form):
    """Which of the workbook's columns gives each action's lead officer: one of those it has
    (preview["lead_officer_columns"]), remembered for the plan's next import."""

    prefix = "lead"

    def __init__(self, *args, preview, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"] = forms.ChoiceField(
            label="Which column gives each action’s lead officer?",
            choices=[(value, f"{heading}") for value, heading in preview["lead_officer_columns"]],
            initial=preview["lead_officer_from"],
            widget=forms.RadioSelect,
            help_text="The lead officer’s post holders are asked for the monthly update, "
            "unless the action names an update owner. A Lead officer column not chosen is "
            "kept among the other leads.",
        )
