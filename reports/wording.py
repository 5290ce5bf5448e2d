"""The officers' words in a report: the commentary beside its figures and its cover report.

Each field is a Wording of the report, keyed by name. Saving keeps every wording as a revision
(who, when, what) and refuses, all fields or none, a save made against a version someone else
has changed since, as plans/updates.py does for updates. A build copies the words into the
snapshot (`snapshot`), so publishing freezes them with the figures; `present` turns them back
into what the templates and the Word document show.

Commentary: an executive summary, a paragraph per priority (per theme when the plan has no
priorities) and the recommendations to members. The cover report is the council's front sheet
and the implications sections, risk table included; a report has one when any of its fields
has words. Its author, wards, exemption and corporate priority start as the previous cover
report's for the same plan and committee (wards "All Wards" and exempt "No" for the first).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans.models import Priority
from reports.fields import (
    CARRIED,
    COVER,
    COVER_KEYS,
    FIRST_DEFAULTS,
    IMPLICATIONS,
    RECOMMENDATIONS,
    RISK_COLUMNS,
    RISKS,
    SUMMARY,
    Field,
)
from reports.forms import WordsForm
from reports.models import Report, Wording, WordingRevision


class Conflict(Exception):
    """Someone else saved some of these fields since the writer loaded them."""

    def __init__(self, current):
        self.current = current  # [Wording] as they are now
        super().__init__("Changed by someone else: " + ", ".join(w.key for w in current))


def group_fields(body):
    """A commentary field per priority, or per theme when the plan has no priorities, each
    with the group whose figures it sits beside: [(Field, compose.Group)]. `body` is
    compose.present() of the report's snapshot."""
    kind = "priority" if body["priorities"] else "theme"
    groups = body["priorities"] or body["themes"]
    return [(Field(f"{kind}:{group.name}", group.name), group) for group in groups]


def current(report):
    """{key: Wording} of the report as its fields read now. One query."""
    return {w.key: w for w in report.wordings.select_related("author")}


def defaults(report):
    """Initial values of the cover report's fields for a report that has none yet. Two
    queries."""
    values = dict(FIRST_DEFAULTS)
    values["cover:title"] = f"{report.plan.name}: {report.title}"
    names = Priority.objects.filter(plan=report.plan).values_list("name", flat=True)
    values["cover:corporate_priority"] = ", ".join(names)
    previous = (
        Wording.objects.filter(
            report__plan=report.plan_id,
            report__committee=report.committee_id,
            key__in=CARRIED,
        )
        .exclude(report=report)
        .order_by("report__created_at", "report__pk")
        .values_list("key", "text")
    )
    values.update({key: text for key, text in previous if text})
    return values


def has_cover(words):
    return any(
        words[key].rows if key == RISKS else words[key].text.strip()
        for key in COVER_KEYS
        if key in words
    )


@transaction.atomic
def save(*, report, values, versions, by, when=None):
    """Save `by`'s words for the fields in `values` ({key: text, or rows for the risk
    table}) of a draft report, keeping each changed wording as a revision.

    `versions` gives, per key, the version the writer saw (0 when there was none). If someone
    else changed any of these fields since, Conflict is raised and nothing is written. Fields
    whose words are unchanged write nothing. Returns the keys saved."""
    when = when or timezone.now()
    # The report's row first, as publishing takes it: no words land after it is published.
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.is_frozen:
        raise ValidationError(
            f"This report is {locked.shown_state.label.lower()}: its words are frozen "
            "and cannot be changed."
        )
    # Saves of one report queue on its row, so none creates a field another is creating.
    words = {w.key: w for w in locked.wordings.select_for_update().filter(key__in=list(values))}
    saved, stale = [], []
    for key, value in values.items():
        column = "rows" if key == RISKS else "text"
        wording = words.get(key)
        if wording is None:
            if not value:
                continue  # an empty field nobody has written: nothing to keep
            wording = Wording(report=locked, key=key, version=0)
        elif getattr(wording, column) == value:
            continue  # the same words again, even from a stale page, change nothing
        if (versions.get(key) or 0) != wording.version:
            stale.append(wording)
            continue
        setattr(wording, column, value)
        wording.author, wording.updated_at = by, when
        wording.version += 1
        wording.save()
        WordingRevision.objects.create(
            wording=wording,
            version=wording.version,
            text=wording.text,
            rows=wording.rows,
            author=by,
            saved_at=when,
        )
        saved.append(key)
    if stale:
        raise Conflict(stale)
    return saved


def snapshot(report):
    """The report's words as they stand, for the snapshot a build freezes: {"fields": {key:
    text or rows}, "versions": {key: version}}. One query."""
    words = current(report) if report is not None and report.pk else {}
    return {
        "fields": {key: w.rows if key == RISKS else w.text for key, w in words.items()},
        "versions": {key: w.version for key, w in words.items()},
    }


def changed_since_build(report, words=None):
    """Have the report's words been changed since its draft was built?"""
    words = current(report) if words is None else words
    built = (report.snapshot or {}).get("words", {}).get("versions", {})
    return {key: w.version for key, w in words.items()} != built


def present(snapshot):
    """The words of a snapshot as the templates show them: commentary by key, and the cover
    report (None when the report has none)."""
    fields = snapshot.get("words", {}).get("fields", {})
    text = {key: value for key, value in fields.items() if key != RISKS and value.strip()}
    risks = fields.get(RISKS) or []
    cover = None
    if any(f.key in text for f in COVER + IMPLICATIONS) or risks:
        cover = {
            "sheet": [(f.label, text.get(f.key, "")) for f in COVER],
            "title": text.get("cover:title") or snapshot["document_title"],
            "implications": [
                (f.label, text.get(f.key, ""), f.key == "implications:risk") for f in IMPLICATIONS
            ],
            "risk_columns": RISK_COLUMNS,
            "risks": risks,
        }
    return {
        "summary": text.get(SUMMARY.key, ""),
        "recommendations": text.get(RECOMMENDATIONS.key, ""),
        "text": text,
        "cover": cover,
    }


def commentary_fields(body):
    """The commentary's fields for a report whose presented snapshot is `body`."""
    return [SUMMARY, *(field for field, _ in group_fields(body)), RECOMMENDATIONS]


def said(words, key):
    """Has `key` words (not only spaces) in `words` (current())?"""
    return key in words and bool(words[key].text.strip())


def anchor(field):
    """The id of `field`'s box on its page, for a link straight to it."""
    return "id_" + WordsForm.name(field)
