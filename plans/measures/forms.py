"""Forms for measures: a measure's value in the update round, and uploading a workbook of
measures with the answers about its column headings."""

from decimal import Decimal

from django import forms

from plans.excel.forms import UploadForm
from plans.measures import rating
from plans.measures.headings import FIELDS
from plans.measures.workbook import LABELS, PERIOD_KINDS
from plans.models import Measure


class MeasureValueForm(forms.Form):
    """A measure's figure for one period, with the owner's commentary."""

    value = forms.CharField(
        max_length=30,
        label="Figure",
        error_messages={"required": "Enter the figure"},
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "inputmode": "decimal", "spellcheck": "false"}
        ),
    )
    commentary = forms.CharField(
        required=False,
        max_length=2000,
        label="Commentary",
        help_text="What explains the figure. Needed when it misses the target: say why and "
        "what is being done.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reason = forms.CharField(required=False, max_length=300, label="Reason for the correction")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, measure, current=None, correction=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        kind, self.example = Measure.Unit(measure.unit).hint
        self.fields["value"].help_text = f"{kind}, for example {self.example}"
        if not correction:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = (
                "Say why you are correcting this value"
            )
        saved = {"version": current.version if current else 0}
        if current is not None:
            saved.update(
                value=rating.plain(current.value),
                commentary=current.commentary,
            )
        self.initial = {**saved, **self.initial}

    def clean_value(self):
        try:
            number = rating.parse_number(self.cleaned_data["value"])
        except ValueError:
            raise forms.ValidationError(
                f"Enter the figure as a number, like {self.example}"
            ) from None
        if abs(number) >= 10**12:
            raise forms.ValidationError("Enter a figure smaller than a million million")
        return number.quantize(Decimal("0.0001"))

    def submission(self):
        """submit_value's arguments from the cleaned form (without measure, period, by)."""
        data = self.cleaned_data
        return {
            "value": data["value"],
            "commentary": data.get("commentary", ""),
            "expected_version": data["version"],
            "reason": data.get("reason", ""),
        }


class MeasureUploadForm(forms.Form):
    workbook = forms.FileField(
        label="Excel workbook of measures",
        help_text="An .xlsx file, one row per measure. Nothing is imported until you have "
        "checked the preview.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    suffixes = (".xlsx",)
    clean_workbook = UploadForm.clean_workbook


class HeadingForm(forms.Form):
    """The administrator's answers about a measures workbook's unrecognised column headings:
    a heading naming a period must say whether it holds targets, figures or commentary."""

    def __init__(self, *args, unknown_headers, undecided, **kwargs):
        super().__init__(*args, **kwargs)
        must_decide = {header for _, _, header in undecided}
        self.headers = {}
        for sheet, column, header in unknown_headers:
            if header in self.headers.values():
                continue
            name = f"column_{len(self.headers)}"
            self.headers[name] = header
            if header in must_decide:
                choices = [
                    ("", "Choose what this column holds"),
                    *[(kind, LABELS[kind]) for kind in PERIOD_KINDS],
                    ("-", "Leave it out"),
                ]
                hint = (
                    f"{sheet}, column {column}. It names a period, so it may hold that "
                    "period's target, figure or commentary."
                )
            else:
                choices = [("", "Leave it out"), *[(key, LABELS[key]) for key in FIELDS]]
                hint = f"{sheet}, column {column}."
            self.fields[name] = forms.ChoiceField(
                label=f"Column “{header}” holds",
                choices=choices,
                required=header in must_decide,
                help_text=hint,
            )

    def header_mapping(self):
        """{heading: field or period kind}; "" for a column to leave out."""
        return {self.headers[name]: self.cleaned_data[name].strip("-") for name in self.headers}
