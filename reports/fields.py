"""The fields officers write in a committee report: the commentary, the council's cover sheet
and the implications sections, with what each is called. Plain data, so the models, forms
and reports.wording can all read it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    hint: str = ""


SUMMARY = Field(
    "summary",
    "Executive summary",
    "Overall performance in the period, in a paragraph or two: what went well, what did not.",
)
RECOMMENDATIONS = Field(
    "recommendations",
    "Recommendations to members",
    "What the committee is asked to note or decide.",
)
COVER = [
    Field("cover:title", "Title"),
    Field("cover:purpose", "Purpose of the report", "For example, To note."),
    Field("cover:author", "Report Author", "Names and posts."),
    Field("cover:wards", "Ward(s) Affected"),
    Field("cover:exempt", "Exempt", "No, or the paragraph of the Local Government Act."),
    Field("cover:corporate_priority", "Corporate Priority"),
    Field("cover:recommendations", "Recommendations", "Committee is asked to: …"),
    Field("cover:reason", "Reason for Recommendation"),
]
IMPLICATIONS = [
    Field("implications:financial", "Financial and value for money"),
    Field("implications:legal", "Legal"),
    Field("implications:hr", "Human resources"),
    Field("implications:climate", "Climate change"),
    Field("implications:equality", "Equality and diversity"),
    Field("implications:risk", "Risk management", "The risk table follows these words."),
]
RISKS = "implications:risks"
RISK_COLUMNS = [
    "Description of the risk",
    "Impact",
    "Likelihood",
    "Mitigating action",
    "Impact after mitigation",
    "Likelihood after mitigation",
]
# Carried from the previous cover report of the same plan and committee.
CARRIED = ["cover:author", "cover:wards", "cover:exempt", "cover:corporate_priority"]
FIRST_DEFAULTS = {"cover:wards": "All Wards", "cover:exempt": "No"}
COVER_KEYS = [f.key for f in COVER + IMPLICATIONS] + [RISKS]


LABELS = {f.key: f.label for f in [SUMMARY, RECOMMENDATIONS, *COVER, *IMPLICATIONS]} | {
    RISKS: "Risks"
}


def label(key):
    """What a field is called on the page: its label, or the priority's or theme's name."""
    if key in LABELS:
        return LABELS[key]
    kind, _, name = key.partition(":")
    return f"{name} ({kind})" if name else key
