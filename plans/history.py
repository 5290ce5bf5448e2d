"""The change history of an action's own fields, read from django-simple-history, in words."""

from dataclasses import dataclass

from plans.models import Action, Committee, Post, Theme, Workstream

# Fields whose history holds a primary key: the model to name it from.
RELATED = {
    "director": Post,
    "lead_officer": Post,
    "update_owner": Post,
    "theme": Theme,
    "workstream": Workstream,
    "parent": Action,
}
# Many-to-many fields the history tracks: their history holds a list of through rows, and the
# key in each row that names the related object.
MANY = {"other_leads": ("post", Post), "committees": ("committee", Committee)}
# Not shown: the plan never changes, and sort order is bookkeeping.
HIDDEN = {"plan", "sort_order", "created_at"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: object
    who: object  # a user, or None (imports, scripts)
    kind: str  # "Created", "Changed", "Deleted"
    changes: list


KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def action_changes(action):
    """Every recorded version of the action, newest first, each with what changed from the one
    before, as names rather than ids. At most two queries plus one per kind of related field
    that changed."""
    records = list(action.history.select_related("history_user").order_by("history_date"))
    deltas = [
        (record, record.diff_against(previous, excluded_fields=HIDDEN).changes)
        for previous, record in zip(records, records[1:], strict=False)
    ]
    names = _names(change for _, changes in deltas for change in changes)
    entries = (
        [Entry(records[0].history_date, records[0].history_user, "Created", [])] if records else []
    )
    for record, changes in deltas:
        shown = [
            Change(
                str(Action._meta.get_field(c.field).verbose_name),
                _as_text(c.field, c.old, names),
                _as_text(c.field, c.new, names),
            )
            for c in changes
        ]
        if shown or record.history_type != "~":
            entries.append(
                Entry(record.history_date, record.history_user, KINDS[record.history_type], shown)
            )
    return entries[::-1]


def _names(changes):
    wanted = {}
    for change in changes:
        if model := RELATED.get(change.field):
            wanted.setdefault(model, set()).update({change.old, change.new} - {None})
        elif change.field in MANY:
            key, model = MANY[change.field]
            rows = [*(change.old or []), *(change.new or [])]
            wanted.setdefault(model, set()).update(row[key] for row in rows)
    return {
        model: {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)}
        for model, ids in wanted.items()
        if ids
    }


def _as_text(field, value, names):
    if field in MANY:
        key, model = MANY[field]
        found = names.get(model, {})
        return ", ".join(found.get(row[key], "(deleted)") for row in value) or "(none)"
    if value in (None, ""):
        return "(empty)"
    if model := RELATED.get(field):
        return names.get(model, {}).get(value, f"(deleted {model._meta.verbose_name})")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
