"""Bulk changes to actions: an administrator sets the lead officer post, director, committee,
member lead or due date of many actions at once. `changes` says exactly what would change
(shown for confirmation); `apply` writes it all or nothing, each action's change kept in its
history with who made it."""

from dataclasses import dataclass

from django.db import transaction

from plans import dates, versions
from plans.models import Action

# The fields a bulk change may set, with how they read in the confirmation.
FIELDS = {
    "lead_officer": "Lead officer",
    "director": "Director",
    "committee": "Committee",
    "member_lead": "Member lead",
    "due_text": "Due",
}


@dataclass
class Change:
    action: Action
    field: str
    old: str
    new: str

    @property
    def label(self):
        return FIELDS[self.field]


def _shown(value):
    return str(value) if value not in (None, "") else "(none)"


def _committees(action):
    return ", ".join(c.name for c in action.committees.all()) or "(none)"


def changes(actions, values):
    """What setting `values` (field name -> new value, only the fields to change; see FIELDS)
    on `actions` would change, action by action: a Change for each field whose value differs.
    A committee replaces the committees an action has; a due date is text as people write it."""
    found = []
    for action in actions:
        for field, new in values.items():
            if field == "committee":
                old, wanted = _committees(action), new.name
            else:
                old, wanted = _shown(getattr(action, field)), _shown(new)
            if old != wanted:
                found.append(Change(action, field, old, wanted))
    return found


@transaction.atomic
def apply(actions, values, *, by):
    """Set `values` on `actions`, recording each changed action in its history as changed by
    `by`; returns the changes made. Actions already holding the values are left untouched, so
    their history gains no empty entry."""
    made = changes(actions, values)
    fields = {}
    for change in made:
        fields.setdefault(change.action, set()).add(change.field)
    for action, changed in fields.items():
        action._history_user = by  # type: ignore[attr-defined]  # simple-history reads it
        for field in changed - {"committee"}:
            setattr(action, field, values[field])
        if changed - {"committee"}:
            action.save()
        if "committee" in changed:
            action.committees.set([values["committee"]])
    for plan_id in {action.plan_id for action in fields}:
        versions.plan_changed(plan_id)
    return made


def check_due(text):
    """The due date as written, if it names a date ("March 2025", "31/03/2025"); else
    ValueError saying what was given."""
    if dates.parse_fuzzy_date(text) is None:
        raise ValueError(f"“{text}” is not a date: write it as March 2025 or 31/03/2025")
    return text.strip()
