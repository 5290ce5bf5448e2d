"""Loading a read workbook into a plan: one code path for the preview and the real thing.

`load_workbook` does the whole import inside one transaction and, for a preview, rolls it
back; so the preview shows exactly what confirming will do. Nothing is ever deleted: an
action missing from the workbook is reported, and a changed update becomes a new revision.
"""

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from plans import dates, locks, versions
from plans.committees import Committees
from plans.excel import periods
from plans.excel.errors import ImportBlocked, PreviewStale
from plans.excel.headers import (
    FLAG_FIELDS,
    PRIORITY_SERVED,
    header_key,
    vocabulary,
    words_beside_period,
)
from plans.excel.read import (
    ActionRow,
    ReadResult,
    RecommendationRow,
    quarter_number,
    split_list,
    yes_no,
)
from plans.measures.workbook import MeasuresBlocked, MeasuresRead, load_measures
from plans.models import (
    RESERVED_SLUGS,
    Action,
    LeadOfficerFrom,
    Plan,
    Post,
    Priority,
    Recommendation,
    Source,
    Status,
    StatusMonth,
    Theme,
    Update,
    UpdateRevision,
    Workstream,
    normalise_label,
)
from plans.posts import post_key
from plans.updates import save_update
from plans.vocabulary import parent_ref, status_matcher
from tracker.models import User

# Fields stored as text on the action, by the name the reader gives them.
TEXT_FIELDS = {
    "title": "title",
    "description": "description",
    "member_lead": "member_lead",
    "start": "start_text",
    "due": "due_text",
    "risk": "risk",
    "outcome": "outcome",
    "source": "source",
}
POST_FIELDS = ["director", "lead_officer", "update_owner"]
MANY_FIELDS = ("other_leads", "committees", "priorities")


@dataclass
class ThemeReport:
    name: str
    created: list[str] = field(default_factory=list)  # refs
    # {"ref", "changes": [[field, old, new]]}
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    updates_created: int = 0
    # {"ref", "month", "old", "new", "version"}: the version replaced, so a confirmation
    # knows whether the update is still the one the preview showed.
    updates_changed: list[dict[str, Any]] = field(default_factory=list)
    updates_unchanged: int = 0
    # Of updates_created and updates_changed, those with words but no status: kept with the
    # plan's "Not given" status.
    updates_not_given: int = 0


@dataclass
class Preview:
    """What an import does (or would do). JSON-ready through `as_dict`."""

    themes: dict[str, ThemeReport] = field(default_factory=dict)  # by name
    missing: list[str] = field(default_factory=list)  # refs in the plan but not in the workbook
    # Status as written -> ["Sheet!K12", ...], at most MAX_PLACES then "and N more" (capped).
    unmapped: dict[str, list[str]] = field(default_factory=dict)
    unknown_headers: list[list[str]] = field(default_factory=list)  # [sheet, column, header]
    # Unknown headings naming a month or quarter: probably a month's status or update column that was
    # not recognised, so the administrator must say what each is before anything is written.
    undecided_headers: list[list[str]] = field(default_factory=list)  # [sheet, column, header]
    # {"sheet", "row", "column", "value", "message"}
    errors: list[dict[str, Any]] = field(default_factory=list)
    # Updates the workbook would change but the import leaves as they are: awaiting sign-off,
    # returned for changes, or written in the app.
    # {"sheet", "row", "column", "ref", "month", "why", "version"}
    left_alone: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)  # "YYYY-MM"
    # Every period with a column, as people say it: {"month": "YYYY-MM" stored on, "label",
    # "stored_on": "June 2023" for a quarter, else ""}.
    periods: list[dict[str, str]] = field(default_factory=list)
    # Questions to answer before anything is written: which month a current Status / Latest
    # Update column is for ([sheet, column, header, rows]), and which financial year quarters
    # written without a year are in ([sheet, column, header]).
    month_needed: list[list[str | int]] = field(default_factory=list)
    year_needed: list[list[str]] = field(default_factory=list)
    plan: str = ""  # the plan's slug
    # Every headed column: {"sheet", "letter", "heading", "sample", "becomes"} (see
    # read.Column), for the table in which the administrator can change any of them.
    columns: list[dict[str, str]] = field(default_factory=list)
    # Words read by a partial match ("Amber-ish" as Medium progress): {written: [status
    # label, ["Sheet!K12", ...] (capped)]}, shown so the administrator can see and change them.
    read_as: dict[str, list[Any]] = field(default_factory=dict)
    # Words matching nothing in unrecognised columns that may hold statuses, asked in the
    # same round as the columns so that choosing "status" needs no second round.
    maybe_unmapped: dict[str, list[str]] = field(default_factory=dict)  # written -> ["Sheet!K"]
    # Every sheet of the workbook: {"name", "kind", "note"}; kind "skipped" is left out.
    sheets: list[dict[str, str]] = field(default_factory=list)
    # Each Source of a recommendations plan: {"name", "created", "recommendations_created",
    # "recommendations_changed": [{"number", "changes"}], "links_added"}
    sources: list[dict[str, Any]] = field(default_factory=list)
    # a Measures sheet's MeasuresPreview.as_dict
    measures: dict[str, Any] = field(default_factory=dict)
    # Post names written differently from an existing post that post_key says is the same
    # (plans/posts.py), and so read as it: {written: the post's name}.
    posts_matched: dict[str, str] = field(default_factory=dict)
    # The column giving each action's lead officer (a LeadOfficerFrom value, "" for none),
    # and the columns the workbook has that could: [[value, heading]].
    lead_officer_from: str = ""
    lead_officer_columns: list[list[str]] = field(default_factory=list)
    # After the import, the plan's actions asked for updates ("of") and those nobody
    # (active) holds the post to update: {"count", "of", "posts": [{"post", "refs"}]}, "post"
    # "" for the actions naming no lead officer. Advice, left out of the confirmation's check.
    nobody: dict[str, Any] = field(default_factory=dict)

    def theme(self, name: str) -> ThemeReport:
        return self.themes.setdefault(name, ThemeReport(name))

    @property
    def blocked(self) -> bool:
        return bool(
            self.errors
            or self.unmapped
            or self.undecided_headers
            or self.month_needed
            or self.year_needed
        )

    @property
    def changes_anything(self) -> bool:
        """Whether the import writes anything to the plan's actions, updates, sources or
        measures (and so must mark its cached pages stale)."""
        totals = self.totals
        measures = self.measures
        return bool(
            totals["created"]
            or totals["changed"]
            or totals["updates_created"]
            or totals["updates_changed"]
            or any(
                s["created"] or s["recommendations_created"] or s["recommendations_changed"]
                for s in self.sources
            )
            or any(s["links_added"] for s in self.sources)
            or (bool(measures) and not measures["blocked"] and _measures_change(measures))
        )

    @property
    def totals(self) -> dict[str, int]:
        reports = self.themes.values()
        return {
            "created": sum(len(r.created) for r in reports),
            "changed": sum(len(r.changed) for r in reports),
            "unchanged": sum(r.unchanged for r in reports),
            "updates_created": sum(r.updates_created for r in reports),
            "updates_changed": sum(len(r.updates_changed) for r in reports),
        }

    @property
    def updates_not_given(self) -> int:
        """Updates added or changed with words but no status ("Not given")."""
        return sum(report.updates_not_given for report in self.themes.values())

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["themes"] = [asdict(report) for report in self.themes.values()]
        data["totals"] = self.totals
        data["updates_not_given"] = self.updates_not_given
        return json.loads(json.dumps(data))  # as the job stores it, so previews compare


def _measures_change(measures: dict[str, Any]) -> bool:
    keys = ("created", "changed", "targets_changed", "values_changed", "added")
    return any(measures.get(key) for key in keys) or bool(
        measures.get("targets_created") or measures.get("values_created")
    )


def _month_name(month: str) -> str:
    return datetime.datetime.strptime(month, "%Y-%m").strftime("%B %Y")


def changes_since(old: dict, new: dict) -> list[str]:
    """What changed in the plan between two previews of one workbook (as_dict), in words."""
    changes = []

    def actions(preview: dict) -> dict:
        found: dict[str, Any] = {}
        for theme in preview.get("themes", []):
            found |= dict.fromkeys(theme["created"], "created")
            found |= {item["ref"]: item["changes"] for item in theme["changed"]}
        return found

    def updates(preview: dict) -> dict:
        found: dict[tuple[str, str], dict] = {}
        for theme in preview.get("themes", []):
            found |= {(item["ref"], item["month"]): item for item in theme["updates_changed"]}
        found |= {(item["ref"], item["month"]): item for item in preview.get("left_alone", [])}
        return found

    before, after = actions(old), actions(new)
    for ref in sorted(set(before) | set(after)):
        if before.get(ref) == after.get(ref):
            continue
        if before.get(ref) == "created":
            changes.append(f"action {ref} was added to the plan in the app")
        else:
            changes.append(f"the details of action {ref} were changed in the app")
    before, after = updates(old), updates(new)
    for ref, month in sorted(set(before) | set(after)):
        if before.get((ref, month)) != after.get((ref, month)):
            change = f"the {_month_name(month)} update of {ref} was saved in the app"
            if (ref, month) in {(item["ref"], item["month"]) for item in new["left_alone"]}:
                change += ", so the import now leaves it as it is"
            changes.append(change)
    if old.get("missing") != new.get("missing"):
        changes.append("actions were added to the plan in the app")
    if not changes:
        changes.append("the plan's statuses, themes or other settings were changed in the app")
    return changes


def check_statuses(
    plan: Plan, result: ReadResult, mapping: dict[str, str]
) -> tuple[dict[str, Status], dict[str, list[str]], dict[str, list[Any]]]:
    """Status words as written -> Status, the words that match nothing with where they occur,
    and the words read by a partial match ({written: [status label, places]}). `mapping` holds
    the administrator's choices ({label as written: status label})."""
    statuses = list(plan.statuses.all())
    match = status_matcher(statuses)
    exact = {
        normalise_label(name)
        for status in statuses
        for name in [status.label, status.code, *status.synonym_list()]
    }
    chosen: dict[str, Status | None] = {
        normalise_label(key): match(target) for key, target in mapping.items()
    }
    found: dict[str, Status] = {}
    unmapped: defaultdict[str, list[str]] = defaultdict(list)
    partial: dict[str, list[Any]] = {}  # written -> [status label, places]
    written: dict[str, str] = {}
    for row in result.rows:
        for entry in row.months:
            label = entry.status
            if not label:
                continue
            if label in found:
                if label in partial:
                    partial[label][1].append(f"{row.sheet}!{entry.status_column}{row.row}")
                continue
            place = f"{row.sheet}!{entry.status_column}{row.row}"
            key = normalise_label(label)
            status: Status | None = chosen.get(key)
            if status is None and (status := match(label)) is not None and key not in exact:
                partial[label] = [status.label, [place]]
            if status is None:
                # Asked once however its case and spacing vary: under its first writing.
                unmapped[written.setdefault(key, label)].append(place)
            else:
                found[label] = status
    partial = {label: [status, capped(places)] for label, (status, places) in partial.items()}
    return found, {label: capped(places) for label, places in unmapped.items()}, partial


# Places stored for each status word asked about: enough to find it, not every cell.
MAX_PLACES = 20


def capped(places: list[str]) -> list[str]:
    """`places` as the preview stores them: the first MAX_PLACES, then "and N more"."""
    if len(places) <= MAX_PLACES:
        return places
    return [*places[:MAX_PLACES], f"and {len(places) - MAX_PLACES} more"]


# Heading words of an unrecognised column that may hold statuses.
STATUS_HEADING_WORDS = {"status", "rag", "brag", "rating", "progress"}


def maybe_statuses(
    plan: Plan, result: ReadResult, mapping: dict[str, str], undecided: set[tuple[str, ...]]
) -> dict[str, list[str]]:
    """Words in unrecognised columns that may hold statuses (their heading names a month or a
    status word) that neither the plan nor `mapping` knows: {written: ["Sheet!K", ...]}."""
    match = status_matcher(plan.statuses.all())
    chosen = {normalise_label(key) for key in mapping}
    found: defaultdict[str, list[str]] = defaultdict(list)
    written: dict[str, str] = {}
    for column in result.columns:
        words = set(re.findall(r"[^\W_]+", column.heading.casefold()))
        if column.becomes != "?" or not (
            (column.sheet, column.letter, column.heading) in undecided
            or words & STATUS_HEADING_WORDS
        ):
            continue
        for value in column.values:
            key = normalise_label(value)
            place = f"{column.sheet}!{column.letter}"
            places = found[written.setdefault(key, value)]
            if key not in chosen and match(value) is None and place not in places:
                places.append(place)
    return {word: capped(places) for word, places in found.items() if places}


def header_synonyms(plan: Plan | None, decisions: dict[str, str]) -> dict[str, list[str]]:
    """The reader's synonyms: the plan's remembered headings plus this import's `decisions`
    ({heading as written: field, "status", "narrative", PRIORITY_SERVED, or "" to leave it
    out}). A decision replaces whatever was remembered for the same heading. A heading naming
    a period that becomes a status or narrative or is left out is remembered by its words
    beside the period, so the answer holds for every month and quarter."""
    synonyms = {name: list(words) for name, words in (plan.header_synonyms if plan else {}).items()}
    for header, name in decisions.items():
        key = header_key(header)
        words = words_beside_period(header)
        names_period = periods.period_in_text(header) is not None
        words_key = header_key(words)
        for kind, remembered in synonyms.items():
            remembered[:] = [
                word
                for word in remembered
                if header_key(word) != key
                and not (names_period and kind in PERIOD_KINDS and header_key(word) == words_key)
            ]
        if name in ("status", "narrative"):
            if words:
                synonyms.setdefault(name, []).append(words)
            if key in vocabulary().fields:  # a field's heading: no longer that field
                synonyms.setdefault("not_field", []).append(header)
        elif not name and names_period and words:
            synonyms.setdefault("ignore_period", []).append(words)
        else:
            synonyms.setdefault(name or "ignore", []).append(header)
    return {name: words for name, words in synonyms.items() if words}


# The synonyms remembered by the words beside a heading's period (header_synonyms).
PERIOD_KINDS = ("status", "narrative", "ignore_period")


def load_workbook(
    *,
    result: ReadResult,
    plan: Plan | None = None,
    new_plan: str = "",
    mapping: dict[str, str] | None = None,
    decisions: dict[str, str] | None = None,
    user: User | None = None,
    dry_run: bool = True,
    source: str = "",
    progress: Callable[[int], None] | None = None,
    expected: dict[str, Any] | None = None,
    measures: MeasuresRead | None = None,
    lead_officer_from: str = "",
) -> Preview:
    """Import the ReadResult `result` into `plan` (or a new plan named `new_plan`) in one
    transaction, and return the Preview.

    With dry_run, everything (a new plan included) is rolled back afterwards. Raises
    ImportBlocked, having written nothing, when the workbook has errors or status words that
    neither the plan's vocabulary nor `mapping` ({label as written: status label}) covers.
    Mapped words are remembered as synonyms of their status for next time, and the
    administrator's `decisions` about column headings ({heading: field, or "" to leave it
    out}) as the plan's header synonyms; an unknown heading naming a month blocks the import
    until decided. `measures` (a MeasuresRead of the workbook's Measures sheets) is imported
    by the measure importer in the same transaction; when it cannot be, the preview says the
    sheets were left out, and why. `lead_officer_from` (a LeadOfficerFrom value) says which
    column gives each action's lead officer; given, it is remembered for the plan's next
    import, and otherwise the plan's remembered choice is used.
    """
    mapping = mapping or {}
    decisions = decisions or {}
    preview = Preview(
        unknown_headers=[list(item) for item in result.unknown_headers],
        undecided_headers=[
            list(item)
            for item in result.unknown_headers
            if periods.period_in_text(item[2]) and item[2] not in decisions
        ],
        months=[f"{month:%Y-%m}" for month in result.months],
        periods=[
            {
                "month": f"{p.month:%Y-%m}",
                "label": p.label,
                "stored_on": f"{p.month:%B %Y}" if p.kind == "quarter" else "",
            }
            for p in result.periods
        ],
        month_needed=[list(item) for item in result.month_needed],
        year_needed=[list(item) for item in result.year_needed],
        columns=[
            {
                "sheet": column.sheet,
                "letter": column.letter,
                "heading": column.heading,
                "sample": column.sample,
                "becomes": column.becomes,
            }
            for column in result.columns
        ],
        sheets=[
            {"name": sheet.name, "kind": sheet.kind, "note": sheet.note} for sheet in result.sheets
        ],
        notes=list(result.notes),
    )
    for problem in result.problems:
        target = preview.errors if problem.severity == "error" else preview.warnings
        target.append(
            {
                "sheet": problem.sheet,
                "row": problem.row,
                "column": problem.column,
                "value": problem.value,
                "message": problem.message,
            }
        )
    with transaction.atomic():
        plan = plan or create_plan(new_plan)
        # Before any update row: the lock order every writer keeps (plans/locks.py).
        locks.whole_plan(plan.pk)
        statuses, preview.unmapped, preview.read_as = check_statuses(plan, result, mapping)
        undecided = {tuple(item) for item in preview.undecided_headers}
        preview.maybe_unmapped = {
            word: places
            for word, places in maybe_statuses(plan, result, mapping, undecided).items()
            if normalise_label(word) not in {normalise_label(w) for w in preview.unmapped}
        }
        preview.plan = plan.slug
        if not preview.blocked:
            lead_from = lead_officer_from or plan.lead_officer_from
            _Loader(plan, preview, statuses, user, source, progress).run(result, lead_from)
            preview.nobody = nobody_to_update(plan)
            if measures is not None:
                _load_measures(preview, measures, plan, user, source)
        if expected is not None:
            advice = ("blocked", "nobody")
            expected = {key: value for key, value in expected.items() if key not in advice}
            if {k: v for k, v in preview.as_dict().items() if k not in advice} != expected:
                raise PreviewStale(preview, changes_since(expected, preview.as_dict()))
        if preview.blocked:
            raise ImportBlocked(preview)
        for label in mapping:
            if label in statuses:
                statuses[label].add_synonym(label)
                statuses[label].save(update_fields=["synonyms"])
        if decisions:
            remembered = header_synonyms(plan, decisions)
            plan.header_synonyms = {name: sorted(set(words)) for name, words in remembered.items()}
            plan.save(update_fields=["header_synonyms"])
        if lead_officer_from and lead_officer_from != plan.lead_officer_from:
            plan.lead_officer_from = lead_officer_from
            plan.save(update_fields=["lead_officer_from"])
        if preview.changes_anything:
            versions.plan_changed(plan.pk)
        if dry_run:
            transaction.set_rollback(True)
    return preview


def nobody_to_update(plan: Plan) -> dict[str, Any]:
    """The plan's actions asked for updates that nobody active owes (answerable_by): their
    update owner post or, naming none, lead officer post has no active holder, or they name
    neither. Grouped by that post. Two queries."""
    actions = Action.objects.rateable(plan)
    owed = actions.answerable_by(User.objects.filter(is_active=True)).values("pk")
    posts: dict[str, list[str]] = {}
    rows = actions.exclude(pk__in=owed).select_related("update_owner", "lead_officer")
    for action in rows.order_by("sort_order", "ref"):
        post = action.answerable_post
        posts.setdefault(post.name if post else "", []).append(action.ref)
    return {
        "count": sum(len(refs) for refs in posts.values()),
        "of": actions.count(),
        "posts": [{"post": name, "refs": refs} for name, refs in sorted(posts.items())],
    }


def _load_measures(
    preview: Preview, measures: MeasuresRead, plan: Plan, user: User | None, source: str
) -> None:
    """Import the workbook's Measures sheets with the measure importer, in this transaction;
    when they have errors or headings to explain, say they were left out, and why."""

    try:
        found = load_measures(result=measures, plan=plan, user=user, dry_run=False, source=source)
    except MeasuresBlocked as blocked:
        found = blocked.preview
        problems = [item["message"].rstrip(".") for item in found.errors][:3] + [
            f"column “{heading}” ({sheet} {column}) needs explaining"
            for sheet, column, heading in found.undecided_headers
        ][:3]
        preview.warnings.append(
            {
                "sheet": ", ".join(
                    sorted({s["name"] for s in preview.sheets if s["kind"] == "measures"})
                ),
                "row": None,
                "column": None,
                "value": "",
                "message": "The measures were left out: " + "; ".join(problems) + ". Import "
                "them on the Measures import page, or put them right and upload again.",
            }
        )
    preview.measures = found.as_dict()


def create_plan(name: str, organisation: str = "") -> Plan:
    """A new plan with the default status vocabulary and a slug made from its name."""
    slug = base = slugify(name)[:45] or "plan"
    counter = 1
    while slug in RESERVED_SLUGS or Plan.objects.filter(slug=slug).exists():
        counter += 1
        slug = f"{base}-{counter}"
    plan = Plan.objects.create(name=name, slug=slug, organisation=organisation or name)
    plan.add_default_statuses()
    return plan


class _Loader:
    def __init__(
        self,
        plan: Plan,
        preview: Preview,
        statuses: dict[str, Status],
        user: User | None,
        source: str,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.plan = plan
        self.preview = preview
        self.statuses = statuses
        self.user = user
        self.reason = f"Imported from {source}" if source else "Imported from a workbook"
        self.progress = progress or (lambda percent: None)
        self.now = timezone.now()
        self.themes = {t.name: t for t in Theme.objects.filter(plan=plan)}
        self.streams = {
            (w.theme_id, w.name): w for w in Workstream.objects.filter(theme__plan=plan)
        }
        self.priorities = {p.name: p for p in Priority.objects.filter(plan=plan)}
        self.posts: dict[str, Post] = {}
        for post in Post.objects.all():  # of near-duplicates not yet merged, the first by name
            self.posts.setdefault(post_key(post.name), post)
        self.committees = Committees()
        self.not_given_status: Status | None = None

    def run(self, result: ReadResult, lead_from: str = "") -> None:
        existing = {
            a.ref: a
            for a in Action.objects.filter(plan=self.plan)
            .select_related("theme", "workstream", "director", "lead_officer", "update_owner")
            .prefetch_related(*MANY_FIELDS)
        }
        seen: set[str] = set()
        new: list[tuple[ActionRow, dict[str, Any], int]] = []
        changed: list[tuple[Action, dict[str, Any]]] = []
        lead_from = self.lead_column(result, lead_from)
        position = Action.objects.filter(plan=self.plan).count()
        self.first_year = self.quarters_from(result)
        for row in result.rows:
            values = self.values_for(row, lead_from)
            report = self.preview.theme(values["theme"].name)
            action = existing.get(row.ref)
            seen.add(row.ref)
            if action is None:
                position += 1
                new.append((row, values, position))
                report.created.append(row.ref)
            else:
                differences = self.differences(action, values)
                if differences:
                    changed.append((action, values))
                    report.changed.append({"ref": row.ref, "changes": differences})
                else:
                    report.unchanged += 1
        self.progress(20)
        created = self.create_actions(new, existing)
        for action, values in changed:
            self.change_action(action, values)
        self.link_parents(existing | created, {row.ref for row, _, _ in new})
        self.progress(40)
        self.load_updates(result, existing | created)
        self.load_sources(result, existing | created)
        self.preview.missing = sorted(set(existing) - seen)
        self.progress(100)

    def quarters_from(self, result: ReadResult) -> int | None:
        """The financial year a "Quarter for completion" of 1 starts: the plan's first, or
        else the first the workbook has updates for (said in a note); None if neither."""
        if not any("due_quarter" in row.values for row in result.rows):
            return None
        if self.plan.start:
            return dates.financial_year(self.plan.start)
        if result.months:
            year = dates.financial_year(result.months[0])
            self.preview.notes.append(
                "The plan has no start date, so “Quarter for completion” 1 is taken as April to "
                f"June {year}, the start of the first financial year the workbook has updates "
                "for. Give the plan a start date to count from another year."
            )
            return year
        self.preview.notes.append(
            "The plan has no start date and the workbook no months, so each “Quarter for "
            "completion” is kept as written and gives no due date. Give the plan a start date "
            "and import again."
        )
        return None

    def due_from_quarter(self, text: str) -> str:
        """The due date written for quarter number `text` counted from the plan's first year:
        the quarter's last month, "June 2024"; or "Quarter 3" when there is no year to count
        from."""
        number = quarter_number(text)
        if number is None:
            return ""
        if self.first_year is None:
            return f"Quarter {number}"
        month = dates.add_months(dates.year_start(self.first_year), 3 * number - 1)
        return f"{month:%B %Y}"

    def priority(self, name: str) -> Priority:
        """The plan's priority called `name` (case aside), created if the plan has none."""
        for known, priority in self.priorities.items():
            if known.casefold() == name.casefold():
                return priority
        self.priorities[name] = Priority.objects.create(
            plan=self.plan, name=name, sort_order=len(self.priorities) + 1
        )
        return self.priorities[name]

    def lead_column(self, result: ReadResult, chosen: str) -> str:
        """The column giving each action's lead officer: `chosen` when the workbook has it,
        else Lead officer, else the first of Other leads; "" when it has none of them. The
        columns that could are kept in the preview for the administrator to choose from."""
        headings = {column.becomes: column.heading for column in reversed(result.columns)}
        present = [
            value
            for value in LeadOfficerFrom.values
            if any(value in row.values for row in result.rows)
        ]
        self.preview.lead_officer_columns = [
            [value, headings.get(value) or LeadOfficerFrom(value).label] for value in present
        ]
        fallback = [v for v in present if v in ("lead_officer", "other_leads")][:1] or [""]
        self.preview.lead_officer_from = chosen if chosen in present else fallback[0]
        return self.preview.lead_officer_from

    def post(self, name: str) -> Post | None:
        """The post called `name`, or one post_key says is the same (said in the preview),
        created if there is none."""
        if not name:
            return None
        key = post_key(name)
        if key not in self.posts:
            self.posts[key] = Post.objects.create(name=name)
        elif self.posts[key].name != name:
            self.preview.posts_matched[name] = self.posts[key].name
        return self.posts[key]

    def values_for(self, row: ActionRow, lead_from: str) -> dict[str, Any]:
        """The action's fields as the workbook gives them (only the columns it has)."""
        given = row.values
        values: dict[str, Any] = {}
        theme_name = given.get("theme") or row.theme
        theme = self.themes.get(theme_name)
        if theme is None:
            theme = Theme.objects.create(
                plan=self.plan, name=theme_name, sort_order=len(self.themes) + 1
            )
            self.themes[theme_name] = theme
        if given.get("priority") and theme.priority_id is None:
            theme.priority = self.priority(given["priority"])
            theme.save(update_fields=["priority"])
        values["theme"] = theme
        stream_name = row.workstream or given.get("workstream", "")
        if stream_name:
            key = (theme.pk, stream_name)
            if key not in self.streams:
                self.streams[key] = Workstream.objects.create(
                    theme=theme, name=stream_name, sort_order=len(self.streams) + 1
                )
            values["workstream"] = self.streams[key]
        else:
            values["workstream"] = None
        for name, attribute in TEXT_FIELDS.items():
            if name in given:
                values[attribute] = given[name]
        if given.get("due_quarter") and not given.get("due"):
            values["due_text"] = self.due_from_quarter(given["due_quarter"])
        for name in FLAG_FIELDS:
            if name in given:
                values[name] = bool(yes_no(given[name]))
        if PRIORITY_SERVED in given:
            values["priorities"] = [self.priority(name) for name in given[PRIORITY_SERVED]]
        others = split_list(given.get("other_leads", ""))
        if lead_from and lead_from != "lead_officer":
            if lead_from == "other_leads":
                lead, others = (others[:1] or [""])[0], others[1:]
            else:
                lead = given.get(lead_from, "")
            # A Lead officer column not chosen still names a lead: kept among the others.
            others = [*split_list(given.get("lead_officer", "")), *others]
            given = {**given, "lead_officer": lead}
        for name in POST_FIELDS:
            if name in given:
                values[name] = self.post(given[name])
        if "other_leads" in row.values or others:
            values["other_leads"] = list(dict.fromkeys(self.post(name) for name in others))
        if "committees" in given:
            values["committees"] = [
                self.committees.named(name) for name in split_list(given["committees"])
            ]
        return values

    @staticmethod
    def differences(action: Action, values: dict[str, Any]) -> list[list[str]]:
        """[[field, old, new]] for each field the workbook changes, as people would read them."""
        changes = []
        for name, new in values.items():
            if name in MANY_FIELDS:
                old_names = sorted(str(item) for item in getattr(action, name).all())
                new_names = sorted(str(item) for item in new)
                if old_names != new_names:
                    changes.append([name, ", ".join(old_names), ", ".join(new_names)])
                continue
            old = getattr(action, name)
            if old != new:
                changes.append([name, str(old or ""), str(new or "")])
        return changes

    def create_actions(
        self, new: list[tuple[ActionRow, dict[str, Any], int]], existing: dict[str, Action]
    ) -> dict[str, Action]:
        actions = []
        for row, values, position in new:
            scalar = {k: v for k, v in values.items() if k not in MANY_FIELDS}
            action = Action(plan=self.plan, ref=row.ref, sort_order=position, **scalar)
            action.derive_dates()  # bulk_create does not call save()
            actions.append(action)
        created = bulk_create_with_history(
            actions,
            Action,
            batch_size=500,
            default_user=self.user,
            default_change_reason=self.reason,
        )
        by_ref = {action.ref: action for action in created}
        through_leads, through_committees, through_priorities = [], [], []
        for row, values, _ in new:
            action = by_ref[row.ref]
            for post in values.get("other_leads", []):
                through_leads.append(
                    Action.other_leads.through(action_id=action.pk, post_id=post.pk)
                )
            for committee in values.get("committees", []):
                through_committees.append(
                    Action.committees.through(action_id=action.pk, committee_id=committee.pk)
                )
            for priority in values.get("priorities", []):
                through_priorities.append(
                    Action.priorities.through(action_id=action.pk, priority_id=priority.pk)
                )
        Action.priorities.through.objects.bulk_create(through_priorities, ignore_conflicts=True)
        Action.other_leads.through.objects.bulk_create(through_leads, ignore_conflicts=True)
        Action.committees.through.objects.bulk_create(through_committees, ignore_conflicts=True)
        return by_ref

    def change_action(self, action: Action, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in MANY_FIELDS:
                getattr(action, name).set(value)
            else:
                setattr(action, name, value)
        action._history_user = self.user  # type: ignore[attr-defined]  # simple-history reads it
        action._change_reason = self.reason  # type: ignore[attr-defined]  # simple-history reads it
        action.save()

    def link_parents(self, actions: dict[str, Action], new_refs: set[str]) -> None:
        """Give each new action its focus action ("OC.A2.3" belongs to "OC.A2.0")."""
        for ref in new_refs:
            parent = actions.get(parent_ref(ref) or "")
            if parent is not None:
                Action.objects.filter(pk=actions[ref].pk).update(parent=parent)
                actions[ref].parent = parent

    def load_updates(self, result: ReadResult, actions: dict[str, Action]) -> None:
        existing: dict[tuple[int, datetime.date], list[Any]] = {
            (action_id, month): rest
            for action_id, month, *rest in Update.objects.filter(
                action__plan=self.plan
            ).values_list(
                "action_id",
                "month",
                "pk",
                "status_id",
                "narrative",
                "approval",
                "imported",
                "signature",
            )
        }
        new_updates: list[tuple[Action, datetime.date, Status, str, str]] = []
        total = len(result.rows) or 1
        for index, row in enumerate(result.rows):
            action = actions[row.ref]
            report = self.preview.theme(action.theme.name if action.theme_id else row.theme)
            for entry in row.months:
                assert entry.month is not None  # a month still to be given blocks the import
                status = self.statuses[entry.status] if entry.status else self.not_given()
                known = existing.get((action.pk, entry.month))
                if known is None:
                    new_updates.append(
                        (action, entry.month, status, entry.narrative, entry.updated_by)
                    )
                    report.updates_created += 1
                    report.updates_not_given += status.not_given
                    continue
                pk, status_id, narrative, approval, imported, signature = known
                signed = entry.updated_by or signature
                if (status_id, narrative, signature) == (status.pk, entry.narrative, signed):
                    report.updates_unchanged += 1
                    continue
                old = Update.objects.select_related("status", "author").get(pk=pk)
                if why := self.why_left_alone(old):
                    self.preview.left_alone.append(
                        {
                            "sheet": row.sheet,
                            "row": row.row,
                            "column": entry.status_column or entry.narrative_column,
                            "ref": row.ref,
                            "month": f"{entry.month:%Y-%m}",
                            "why": why,
                            "version": old.version,
                        }
                    )
                    continue
                save_update(
                    action=action,
                    month=entry.month,
                    status=status,
                    narrative=entry.narrative,
                    imported=True,
                    signature=entry.updated_by or old.signature,
                    reason=self.reason,
                    when=self.now,
                )
                report.updates_not_given += status.not_given
                report.updates_changed.append(
                    {
                        "ref": row.ref,
                        "month": f"{entry.month:%Y-%m}",
                        "old": f"{old.status}: {old.narrative[:200]}",
                        "new": f"{status}: {entry.narrative[:200]}",
                        "version": old.version,
                    }
                )
            if index % 200 == 0:
                self.progress(40 + 50 * index // total)
        self.create_updates(new_updates)

    def not_given(self) -> Status:
        """The plan's "Not given" status, for words imported without a status."""
        if self.not_given_status is None:
            self.not_given_status = self.plan.not_given_status()
        return self.not_given_status

    def load_sources(self, result: ReadResult, actions: dict[str, Action]) -> None:
        """Each recommendations plan's Source, its recommendations (number, area, text) and
        their links to the actions proposed for them. Adds and changes, never deletes: a link
        no longer in the workbook stays."""
        by_source: defaultdict[str, list[RecommendationRow]] = defaultdict(list)
        for given in result.recommendations:
            by_source[given.source].append(given)
        for name, recommendations in by_source.items():
            source = Source.objects.filter(plan=self.plan, name=name).first()
            report: dict[str, Any] = {
                "name": name,
                "created": source is None,
                "recommendations_created": [],
                "recommendations_changed": [],
                "links_added": 0,
            }
            if source is None:
                order = Source.objects.filter(plan=self.plan).count() + 1
                source = Source.objects.create(plan=self.plan, name=name, sort_order=order)
            known = {r.number: r for r in source.recommendations.prefetch_related("actions")}
            for order, given in enumerate(recommendations, start=1):
                wanted = {"area": given.area, "text": given.text, "sort_order": order}
                recommendation = known.get(given.number)
                if recommendation is None:
                    recommendation = Recommendation.objects.create(
                        source=source, number=given.number, **wanted
                    )
                    report["recommendations_created"].append(given.number)
                    linked = set()
                else:
                    changes = [
                        [key, str(getattr(recommendation, key)), str(value)]
                        for key, value in wanted.items()
                        if getattr(recommendation, key) != value
                    ]
                    if changes:
                        for key, value in wanted.items():
                            setattr(recommendation, key, value)
                        recommendation.save()
                        report["recommendations_changed"].append(
                            {"number": given.number, "changes": changes}
                        )
                    linked = {action.pk for action in recommendation.actions.all()}
                adding = [actions[ref] for ref in given.refs if actions[ref].pk not in linked]
                if adding:
                    recommendation.actions.add(*adding)
                    report["links_added"] += len(adding)
            self.preview.sources.append(report)

    @staticmethod
    def why_left_alone(update: Update) -> str:
        """Why the workbook's different wording must not replace `update`, or "" when it may:
        an import neither approves nor rewrites an update in sign-off, and never puts a
        workbook's text over words someone wrote in the app."""
        if update.approval == Update.Approval.SUBMITTED:
            return "it awaits sign-off, and an import never approves or rewrites it"
        if update.approval == Update.Approval.RETURNED:
            return "it was returned to its officer for changes, which they make in the app"
        if not update.imported:
            by = f" by {update.author}" if update.author else ""
            when = timezone.localtime(update.updated_at)
            return (
                f"it was written in the app{by} on {when:%-d %B %Y}, and an import never puts "
                "a workbook's text over it"
            )
        return ""

    def create_updates(
        self, new_updates: list[tuple[Action, datetime.date, Status, str, str]]
    ) -> None:
        """Insert the new updates and their first revisions.

        Straight INSERTs through executemany: the ORM's bulk_create spends most of an import's
        time building model instances and SQL for tens of thousands of plain rows.
        """
        now = connection.ops.adapt_datetimefield_value(self.now)
        adapt_month = connection.ops.adapt_datefield_value
        given = ["action", "month", "status", "narrative", "signature", "imported", "updated_at"]
        insert(
            Update,
            given,
            [
                (action.pk, adapt_month(month), status.pk, narrative, signature, True, now)
                for action, month, status, narrative, signature in new_updates
            ],
        )
        wanted = {(action.pk, month) for action, month, *_ in new_updates}
        created = [
            row
            for row in Update.objects.filter(action__plan=self.plan, version=1).values_list(
                "pk", "action_id", "month", "status_id", "narrative"
            )
            if (row[1], row[2]) in wanted
        ]
        StatusMonth.objects.rebuild(list({action_id for action_id, _ in wanted}))
        insert(
            UpdateRevision,
            ["update", "version", "status", "narrative", "imported", "reason", "saved_at"],
            [
                (pk, 1, status_id, narrative, True, self.reason, now)
                for pk, _, _, status_id, narrative in created
            ],
        )


def insert(model: type[models.Model], names: list[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT `rows` into `model`'s table: tuples of database-ready values for the fields
    `names`, every other field taking its default."""
    meta = model._meta
    # `names` are the model's own columns, never the far side of a relation.
    given = [cast(models.Field, meta.get_field(name)) for name in names]
    defaults = [
        (field, field.get_db_prep_save(field.get_default(), connection))
        for field in meta.concrete_fields
        if field not in given and not field.primary_key
    ]
    # Every concrete field has a column; only a many-to-many field's is None.
    columns: list[str] = [field.column for field in given] + [field.column for field, _ in defaults]  # type: ignore[assignment]
    constant = tuple(value for _, value in defaults)
    quote = connection.ops.quote_name
    # Table and column names come from the model, never from the workbook.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [row + constant for row in rows[start : start + 5000]])
