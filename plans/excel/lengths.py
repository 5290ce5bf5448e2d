"""How long each imported text may be: the max_length of the model field that stores it.

Both importers check every cell against these before anything is written, so a name too long
for its column is an error naming its sheet, row and column, on SQLite (which would keep it)
and PostgreSQL (which would refuse it part-way through) alike.
"""

from plans.models import Action, Committee, Measure, Post, Priority, Theme, Workstream

# Reader field -> the model field it is stored in. Fields not named here are stored in text
# fields without a limit (an action's title, description and outcome; commentary).
ACTION_FIELDS = {
    "ref": Action._meta.get_field("ref"),
    "theme": Theme._meta.get_field("name"),
    "workstream": Workstream._meta.get_field("name"),
    "priority": Priority._meta.get_field("name"),
    "director": Post._meta.get_field("name"),
    "lead_officer": Post._meta.get_field("name"),
    "update_owner": Post._meta.get_field("name"),
    "other_leads": Post._meta.get_field("name"),  # each name in the list
    "committees": Committee._meta.get_field("name"),  # each name in the list
    "member_lead": Action._meta.get_field("member_lead"),
    "start": Action._meta.get_field("start_text"),
    "due": Action._meta.get_field("due_text"),
    "risk": Action._meta.get_field("risk"),
    "source": Action._meta.get_field("source"),
}
MEASURE_FIELDS = {
    "name": Measure._meta.get_field("name"),
    "priority": Priority._meta.get_field("name"),
    "theme": Theme._meta.get_field("name"),
    "owner": Post._meta.get_field("name"),
    "baseline_when": Measure._meta.get_field("baseline_when"),
    "committees": Committee._meta.get_field("name"),  # each name in the list
}


def too_long(text: str, field, heading: str) -> str:
    """Why `text`, from the column headed `heading`, does not fit `field`; "" when it does."""
    limit = field.max_length
    if len(text) <= limit:
        return ""
    return (
        f"{heading} is {len(text):,} characters long; it can be at most {limit:,}. "
        "Shorten it in the workbook and upload it again."
    )
