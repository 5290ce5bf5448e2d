"""Importing measures from a simple workbook: one row per measure, one column per period.

    Measure | Priority | Theme | Owner | Unit | Direction | Frequency | Baseline | Tolerance |
    Committees | Target Q1 2024/25 | Q1 2024/25 | Commentary Q1 2024/25 | Target Q2 2024/25 | ...

The header row is found within the first rows of any visible sheet by its Measure column; the
other columns are optional and may come in any order (README.md lists the headings each field
answers to). A heading naming a period (a financial quarter, "Q1 2024/25", or a month,
"Apr-24") holds that period's target when it says "target", its commentary when it says
"commentary", and otherwise its figure. A heading naming a period in other words must be
explained by the administrator before anything is imported, as with the action importer, and
the answers are remembered for the plan's next import of measures (Plan.measure_header_synonyms).

`read_measures` reads cells into MeasureRows, collecting every problem with its sheet, row and
column. `load_measures` writes them in one transaction and rolls it back for a preview, so the
preview is exactly what confirming will do; any error means nothing is written. An import never
deletes: measures missing from the workbook are listed, and a changed figure becomes a new
revision, as a correction typed on the measure's page would. Jobs of both kinds run through
plans/excel/jobs.py.
"""

import datetime
import json
import os
import re
from collections.abc import Callable, Collection, Generator, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import IO, Any, Protocol, TypedDict, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter

from plans import versions
from plans.committees import Committees
from plans.excel import headers, lengths
from plans.excel.errors import ImportBlocked, ImportFileError, PreviewStale
from plans.excel.read import (
    DAMAGED,
    HEADER_ROWS,
    MAX_BLANK_ROWS,
    Problem,
    ReadResult,
    Severity,
    cell_text,
    excerpt,
    is_formula,
    open_workbook,
    split_list,
)
from plans.measures import rating
from plans.measures.headings import FIELDS
from plans.measures.values import save_value
from plans.models import (
    Committee,
    Measure,
    MeasureTarget,
    MeasureValue,
    Plan,
    Post,
    Priority,
    Theme,
)
from tracker.models import User

LABELS = {
    "name": "Measure",
    "priority": "Priority",
    "theme": "Theme",
    "owner": "Owner",
    "unit": "Unit",
    "direction": "Direction",
    "frequency": "Frequency",
    "baseline": "Baseline",
    "baseline_when": "Baseline period",
    "tolerance": "Amber tolerance (%)",
    "description": "Description",
    "committees": "Committees",
    "target": "A period's target",
    "value": "A period's figure",
    "commentary": "A period's commentary",
}
PERIOD_KINDS = ("target", "value", "commentary")
# Words beside a period in a heading that say what the column holds.
TARGET_WORDS = {"target", "targets"}
COMMENTARY_WORDS = {"commentary", "comment", "comments", "notes", "note", "narrative"}
VALUE_WORDS = {"actual", "actuals", "value", "values", "figure", "figures", "result", "outturn"}
# Words that are part of naming the period itself.
# Choice -> the words a cell may use for it.
CHOICES = {
    "unit": {
        "number": ["number", "count", "no", "num", "n"],
        "percentage": ["percentage", "percent", "%", "per cent", "pc"],
        "currency": ["currency", "£", "pounds", "gbp", "money", "cost"],
        "days": ["days", "day"],
    },
    "direction": {
        "higher": ["higher is better", "higher", "high", "up", "increase", "bigger is better"],
        "lower": ["lower is better", "lower", "low", "down", "decrease", "smaller is better"],
    },
    "frequency": {
        "monthly": ["monthly", "month", "every month"],
        "quarterly": ["quarterly", "quarter", "every quarter"],
    },
}
MAX_ROWS = 5000  # far more measures than any plan tracks: more is stray content


class MeasuresBlocked(ImportBlocked):
    """The import cannot go ahead: errors in the workbook, or headings still to explain."""


class _Cell(Protocol):
    """What the reader uses of a cell of a read-only sheet (openpyxl's ReadOnlyCell)."""

    @property
    def value(self) -> object: ...
    @property
    def column_letter(self) -> str: ...
    @property
    def number_format(self) -> str: ...


class _Sheet(Protocol):
    """What the reader uses of a read-only worksheet."""

    @property
    def title(self) -> str: ...
    @property
    def sheet_state(self) -> str: ...
    def reset_dimensions(self) -> None: ...
    def iter_rows(self) -> Generator[tuple[_Cell, ...], None, None]: ...


class _Header(TypedDict):
    row: int
    fields: dict[str, int]  # field -> column index
    periods: dict[int, tuple[str, datetime.date, str]]  # index -> (frequency, start, kind)
    blank_run: int


@dataclass
class PeriodCell:
    frequency: str  # of the column's period: "monthly" or "quarterly"
    period: datetime.date  # the period's first month
    kind: str  # "target", "value" or "commentary"
    value: Any  # Decimal, or str for a commentary
    column: str  # letter


@dataclass
class MeasureRow:
    """One measure as the sheet gives it: `fields` holds each non-blank cell of the fields'
    columns, already checked ("unit", "direction" and "frequency" as choices, numbers as
    Decimal, "committees" as a list of names); `cells` the period columns' non-blank cells."""

    sheet: str
    row: int
    fields: dict[str, Any]
    cells: list[PeriodCell] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)  # field -> column letter

    @property
    def name(self) -> str:
        return self.fields["name"]


@dataclass
class MeasuresRead:
    rows: list[MeasureRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # (sheet, letter, heading)
    unknown_headers: list[tuple[str, str, str]] = field(default_factory=list)
    # the ones naming a period
    undecided_headers: list[tuple[str, str, str]] = field(default_factory=list)
    # (frequency, first month)
    periods: set[tuple[str, datetime.date]] = field(default_factory=set)


def _words(text: object) -> list[str]:
    return re.findall(r"[^\W_]+|%|£", str(text).casefold())


def _choice(name: str, text: str) -> str | None:
    """The choice `text` names for field `name`, or None."""
    spoken = " ".join(_words(text))
    for choice, words in CHOICES[name].items():
        if spoken in words or text.strip().casefold() in words:
            return choice
    return None


def header_synonyms(plan: Plan, decisions: dict[str, str]) -> dict[str, list[str]]:
    """The plan's remembered headings of measures workbooks plus this import's `decisions`
    ({heading: field, period kind, or "" to leave it out}), as {field or kind: [heading]}. A
    period column's heading is remembered by its words beside the period, so an answer about
    "Q1 2024/25 RAG basis" also answers "Q2 2024/25 RAG basis"."""
    synonyms = {name: list(words) for name, words in plan.measure_header_synonyms.items()}
    for heading, name in decisions.items():
        if name in PERIOD_KINDS:
            if words := headers.words_beside_period(heading):
                synonyms.setdefault(name, []).append(words)
        elif name:
            synonyms.setdefault(name, []).append(heading)
    return {name: sorted(set(words)) for name, words in synonyms.items()}


def classify(
    heading: str,
    vocabulary: dict[str, str],
    decisions: dict[str, str],
    periods: dict[str, str] | None = None,
) -> tuple[str, Any]:
    """What a heading holds: ("field", name), ("period", (frequency, start, kind)),
    ("undecided", (frequency, start)) for a period in unexplained words, ("skip", None) for a
    heading the administrator left out, or ("unknown", None). `periods` maps remembered
    words beside a period (plans.excel.headers.words_beside_period) to the period kind they hold."""
    decided = decisions.get(heading)
    frequency, start = rating.period_in_text(heading)
    if decided == "":
        return "skip", None
    if decided in FIELDS:
        return "field", decided
    if decided in PERIOD_KINDS and start is not None:
        return "period", (frequency, start, decided)
    if (name := vocabulary.get(headers.header_key(heading))) is not None:
        return "field", name
    if start is None:
        return "unknown", None
    beside = headers.words_beside_period(heading)
    if (kind := (periods or {}).get(beside)) is not None:
        return "period", (frequency, start, kind)
    rest = set(beside.split())
    if TARGET_WORDS & rest:
        return "period", (frequency, start, "target")
    if COMMENTARY_WORDS & rest:
        return "period", (frequency, start, "commentary")
    if rest <= VALUE_WORDS:
        return "period", (frequency, start, "value")
    return "undecided", (frequency, start)


def read_measures(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    decisions: dict[str, str] | None = None,
    synonyms: dict[str, list[str]] | None = None,
    max_bytes: int = 20 * 1024 * 1024,
    sheets: Collection[str] | None = None,
) -> MeasuresRead:
    """Read the measures workbook in `source` (a path or a binary file) into MeasuresRead.
    `decisions` are the administrator's answers about headings ({heading: field, period kind,
    or "" to leave it out}); `synonyms` the plan's remembered ones (header_synonyms);
    `sheets`, when given, names the only sheets to read (the Measures sheets of an action
    plan). Raises ImportFileError when the file cannot be read at all."""
    owned = isinstance(source, str | os.PathLike)
    # Opened here, closed in finally; isinstance again (not `owned`) so mypy sees a file.
    file = open(source, "rb") if isinstance(source, str | os.PathLike) else source  # noqa: SIM115
    reader = _Reader(decisions or {}, synonyms or {})
    try:
        workbook = open_workbook(file, max_bytes)
        try:
            for sheet in workbook.worksheets:
                if sheets is None or sheet.title in sheets:
                    # Read-only, so its cells are ReadOnlyCells, never the MergedCells
                    # openpyxl's stubs allow for.
                    reader.read_sheet(sheet)  # type: ignore[arg-type]
        except DAMAGED as error:
            raise ImportFileError(
                f"The workbook is damaged and cannot be read ({error}). Open it in Excel, "
                "save a fresh copy as .xlsx and try again."
            ) from error
        finally:
            workbook.close()
    finally:
        if owned:
            file.close()
    if not reader.found_header:
        reader.problem(
            "",
            None,
            None,
            "",
            f"No column headed Measure (or KPI, or Indicator) in the first {HEADER_ROWS} rows "
            "of any sheet.",
        )
    return reader.result


def read_measure_sheets(
    source: str | os.PathLike[str] | IO[bytes], result: ReadResult, plan: Plan | None = None
) -> MeasuresRead | None:
    """The MeasuresRead of an action plan's Measures sheets (those the action reader found in
    the measure importer's layout, in ReadResult `result`), read with `plan`'s remembered
    measure headings; None when it has none."""
    names = {sheet.name for sheet in result.sheets if sheet.kind == "measures"}
    if not names:
        return None
    if hasattr(source, "seek"):
        source.seek(0)
    return read_measures(
        source,
        synonyms=plan.measure_header_synonyms if plan else None,
        max_bytes=settings.IMPORT_MAX_BYTES,
        sheets=names,
    )


class _Reader:
    def __init__(self, decisions: dict[str, str], synonyms: dict[str, list[str]]) -> None:
        self.decisions = decisions
        self.vocabulary = {
            headers.header_key(word): name
            for name, words in [*FIELDS.items(), *synonyms.items()]
            if name in FIELDS
            for word in words
        }
        self.periods = {words: kind for kind in PERIOD_KINDS for words in synonyms.get(kind, [])}
        self.result = MeasuresRead()
        self.found_header = False
        self.seen: dict[str, MeasureRow] = {}  # name, case-folded -> MeasureRow
        self.rows_read = 0

    def problem(
        self,
        sheet: str,
        row: int | None,
        column: str | None,
        value: str,
        message: str,
        severity: Severity = "error",
    ) -> None:
        self.result.problems.append(Problem(sheet, row, column, value, message, severity))

    def read_sheet(self, sheet: _Sheet) -> None:
        if sheet.sheet_state != "visible":
            return
        sheet.reset_dimensions()
        rows = sheet.iter_rows()
        header, number = None, 0
        try:
            for number, cells in enumerate(rows, start=1):
                texts = [cell_text(cell.value) for cell in cells]
                if number <= HEADER_ROWS and header is None:
                    header = self.header(sheet.title, number, texts)
                    continue
                if header is None:
                    return
                self.read_row(sheet.title, number, cells, header)
                if header["blank_run"] >= MAX_BLANK_ROWS:
                    break
        finally:
            rows.close()

    def header(self, sheet: str, number: int, texts: list[str]) -> _Header | None:
        """The header's columns when row `number` is the header (a Measure column and one
        more recognised), else None."""
        kinds = [
            classify(text, self.vocabulary, self.decisions, self.periods) if text else None
            for text in texts
        ]
        fields = [k for k in kinds if k and k[0] == "field"]
        if ("field", "name") not in fields or len(fields) + sum(
            1 for k in kinds if k and k[0] in ("period", "undecided")
        ) < 2:
            return None
        self.found_header = True
        columns: dict[str, int] = {}
        periods: dict[int, tuple[str, datetime.date, str]] = {}
        taken: dict[tuple[str, Any], str] = {}
        for index, (text, kind) in enumerate(zip(texts, kinds, strict=True)):
            if kind is None:
                continue
            letter = get_column_letter(index + 1)
            what, detail = kind
            key = (what, detail)
            if what in ("unknown", "undecided"):
                self.result.unknown_headers.append((sheet, letter, text))
                if what == "undecided":
                    self.result.undecided_headers.append((sheet, letter, text))
                continue
            if what == "skip":
                continue
            if key in taken:
                self.problem(
                    sheet,
                    number,
                    letter,
                    excerpt(text),
                    f"Column {letter} means the same as column {taken[key]}, so it was ignored.",
                    "warning",
                )
                continue
            taken[key] = letter
            if what == "field":
                columns[detail] = index
            else:
                periods[index] = detail
                self.result.periods.add(detail[:2])
        return {"row": number, "fields": columns, "periods": periods, "blank_run": 0}

    def read_row(self, sheet: str, number: int, cells: Sequence[_Cell], header: _Header) -> None:
        def at(index: int) -> _Cell | None:
            return cells[index] if index < len(cells) else None

        name_cell = at(header["fields"]["name"])
        if all(cell is None or cell.value is None or cell_text(cell.value) == "" for cell in cells):
            header["blank_run"] += 1
            return
        header["blank_run"] = 0
        self.rows_read += 1
        if self.rows_read > MAX_ROWS:
            raise ImportFileError(
                f"The workbook has more than {MAX_ROWS:,} rows of measures; check for stray "
                "content far below them."
            )
        name = " ".join(cell_text(name_cell.value).split()) if name_cell else ""
        if not name:
            self.problem(
                sheet, number, None, "", "Row has figures but no measure; skipped.", "warning"
            )
            return
        name_letter = get_column_letter(header["fields"]["name"] + 1)
        if not self.fits(sheet, number, name_letter, "name", name):
            return
        row = MeasureRow(sheet, number, {"name": name})
        for key, index in header["fields"].items():
            cell = at(index)
            row.letters[key] = get_column_letter(index + 1)
            if key == "name" or cell is None or cell_text(cell.value) == "":
                continue
            checked = self.check(sheet, number, key, cell)
            if checked is not None:
                row.fields[key] = checked
        for index, (frequency, start, kind) in header["periods"].items():
            cell = at(index)
            if cell is None or cell_text(cell.value) == "":
                continue
            value = (
                cell_text(cell.value) if kind == "commentary" else self.number(sheet, number, cell)
            )
            if value is not None:
                row.cells.append(
                    PeriodCell(frequency, start, kind, value, get_column_letter(index + 1))
                )
        folded = name.casefold()
        if folded in self.seen:
            first = self.seen[folded]
            self.problem(
                sheet,
                number,
                row.letters["name"],
                name,
                f"The measure “{name}” appears twice: at '{first.sheet}' row {first.row} and "
                "here. Give each row its own measure.",
            )
            return
        self.seen[folded] = row
        self.result.rows.append(row)

    def number(self, sheet: str, number: int, cell: _Cell) -> Decimal | None:
        """The cell's number as Decimal, percentages as Excel shows them (a cell formatted as
        a percentage holds 0.85 and shows 85%); None with an error when it is not one."""
        letter = cell.column_letter
        if is_formula(cell.value):
            self.problem(
                sheet,
                number,
                letter,
                excerpt(cell_text(cell.value)),
                "This cell holds a formula, which is not calculated: paste the figure as a value.",
            )
            return None
        try:
            found = rating.parse_number(cell_text(cell.value))
        except ValueError as error:
            self.problem(sheet, number, letter, excerpt(cell_text(cell.value)), f"{error}.")
            return None
        if isinstance(cell.value, int | float) and "%" in (cell.number_format or ""):
            found *= 100
        if abs(found) >= 10**12:
            self.problem(sheet, number, letter, cell_text(cell.value), "This figure is too large.")
            return None
        return found.quantize(Decimal("0.0001"))

    def check(self, sheet: str, number: int, key: str, cell: _Cell) -> Any:
        """A field's cell as the model stores it, or None with an error."""
        text = cell_text(cell.value)
        if key in CHOICES:
            choice = _choice(key, text)
            if choice is None:
                allowed = ", ".join(words[0] for words in CHOICES[key].values())
                self.problem(
                    sheet,
                    number,
                    cell.column_letter,
                    excerpt(text),
                    f"“{text}” is not a {LABELS[key].lower()} this import knows: use {allowed}.",
                )
            return choice
        if key in ("baseline", "tolerance"):
            found = self.number(sheet, number, cell)
            if key == "tolerance" and found is not None and not 0 <= found < 1000:
                self.problem(
                    sheet,
                    number,
                    cell.column_letter,
                    text,
                    "The amber tolerance is a percentage of the target, from 0 upwards.",
                )
                return None
            return found
        if key == "description":
            return text[:5000]
        if key == "committees":
            names = split_list(text)
            fits = [self.fits(sheet, number, cell.column_letter, key, name) for name in names]
            return names if all(fits) else None
        text = " ".join(text.split())
        return text if self.fits(sheet, number, cell.column_letter, key, text) else None

    def fits(self, sheet: str, number: int, letter: str, key: str, text: str) -> bool:
        """Does `text` fit the model field storing `key`? If not, an error says so."""
        message = lengths.too_long(text, lengths.MEASURE_FIELDS[key], LABELS[key])
        if message:
            self.problem(sheet, number, letter, excerpt(text), message)
        return not message


# Loading.


@dataclass
class MeasuresPreview:
    """What an import of measures does (or would do). JSON-ready through `as_dict`."""

    plan: str = ""
    created: list = field(default_factory=list)  # measure names
    changed: list = field(default_factory=list)  # {"name", "changes": [[label, old, new]]}
    unchanged: int = 0
    targets_created: int = 0
    targets_changed: list = field(default_factory=list)  # {"name", "period", "old", "new"}
    values_created: int = 0
    values_changed: list = field(default_factory=list)
    unchanged_cells: int = 0  # targets and figures the workbook gives as they already are
    added: list = field(default_factory=list)  # new priorities, themes and posts, in words
    missing: list = field(default_factory=list)  # the plan's measures not in the workbook
    periods: list = field(default_factory=list)  # "Q1 2024/25", "April 2024"
    unknown_headers: list = field(default_factory=list)
    undecided_headers: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.errors or self.undecided_headers)

    @property
    def changes_anything(self) -> bool:
        """Whether the import writes anything (and so must mark cached pages stale)."""
        return bool(
            self.created
            or self.changed
            or self.targets_created
            or self.targets_changed
            or self.values_created
            or self.values_changed
            or self.added
        )

    def problem(self, problem: Problem) -> None:
        target = self.errors if problem.severity == "error" else self.warnings
        target.append(
            {
                "sheet": problem.sheet,
                "row": problem.row,
                "column": problem.column,
                "value": problem.value,
                "message": problem.message,
            }
        )

    def as_dict(self) -> dict[str, Any]:
        data = {**asdict(self), "blocked": self.blocked}
        return json.loads(json.dumps(data))  # as the job stores it, so previews compare


class MeasuresStale(PreviewStale, MeasuresBlocked):
    """The plan's measures changed in the app since the preview, so the import would not do
    what the preview showed; nothing was written. `preview` is what it would do now, `names`
    the measures whose part of it changed."""

    def __init__(self, preview: MeasuresPreview, expected: dict[str, Any]) -> None:
        now = preview.as_dict()
        self.names = sorted(
            {
                item if isinstance(item, str) else item["name"]
                for key in ("created", "changed", "targets_changed", "values_changed")
                for item in [*expected.get(key, []), *now[key]]
                if (item in expected.get(key, [])) != (item in now[key])
            }
        )
        super().__init__(preview, [f"{name} changed in the app" for name in self.names])

    @property
    def reason(self) -> str:
        changed = ", ".join(self.names) or "the plan's measures"
        return f"{changed} changed in the app since the preview was made"


def load_measures(
    *,
    result: MeasuresRead,
    plan: Plan,
    decisions: dict[str, str] | None = None,
    user: User | None = None,
    dry_run: bool = True,
    source: str = "",
    progress: Callable[[int], None] | None = None,
    expected: dict[str, Any] | None = None,
) -> MeasuresPreview:
    """Import MeasuresRead `result` into `plan` in one transaction, rolled back when `dry_run`,
    and return the MeasuresPreview. Raises MeasuresBlocked, having written nothing, when the
    workbook has errors or headings naming a period in words not yet explained; and
    MeasuresStale when `expected`, the preview the administrator confirmed (as_dict), is not
    what the import would now do. The administrator's `decisions` about headings, which the
    reader was given, are remembered as the plan's measure_header_synonyms; `progress` is
    called with the percentage done."""
    preview = MeasuresPreview(
        plan=plan.slug,
        unknown_headers=[list(item) for item in result.unknown_headers],
        undecided_headers=[list(item) for item in result.undecided_headers],
        periods=[
            rating.period_label(start, frequency)
            for frequency, start in sorted(result.periods, key=lambda item: (item[1], item[0]))
        ],
    )
    for problem in result.problems:
        preview.problem(problem)
    if preview.blocked:
        raise MeasuresBlocked(preview)
    with transaction.atomic():
        _Loader(plan, preview, user, source, progress).run(result.rows)
        if expected is not None and preview.as_dict() != expected:
            raise MeasuresStale(preview, expected)  # rolls back whatever was written
        if preview.errors:
            raise MeasuresBlocked(preview)  # rolls back whatever was written
        if decisions:
            plan.measure_header_synonyms = header_synonyms(plan, decisions)
            plan.save(update_fields=["measure_header_synonyms"])
        if preview.changes_anything:
            versions.plan_changed(plan.pk)
        if dry_run:
            transaction.set_rollback(True)
    return preview


class _Loader:
    def __init__(
        self,
        plan: Plan,
        preview: MeasuresPreview,
        user: User | None,
        source: str,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.plan = plan
        self.preview = preview
        self.user = user
        self.progress = progress or (lambda percent: None)
        self.reason = f"Imported from {source}" if source else "Imported from a workbook"
        self.now = timezone.now()
        self.priorities = {p.name.casefold(): p for p in Priority.objects.filter(plan=plan)}
        self.themes = {t.name.casefold(): t for t in Theme.objects.filter(plan=plan)}
        self.posts = {p.name.casefold(): p for p in Post.objects.all()}
        self.committees = Committees()

    def error(self, row: MeasureRow, letter: str | None, value: object, message: str) -> None:
        self.preview.problem(Problem(row.sheet, row.row, letter, str(value), message, "error"))

    def run(self, rows: list[MeasureRow]) -> None:
        existing = {
            m.name.casefold(): m
            for m in Measure.objects.filter(plan=self.plan)
            .select_related("priority", "theme", "owner")
            .prefetch_related("committees")
        }
        with_values = set(
            MeasureValue.objects.filter(measure__plan=self.plan).values_list("measure", flat=True)
        )
        targets = {
            (t.measure_id, t.period): t
            for t in MeasureTarget.objects.filter(measure__plan=self.plan)
        }
        values = {
            (v.measure_id, v.period): v
            for v in MeasureValue.objects.filter(measure__plan=self.plan)
        }
        position = Measure.objects.filter(plan=self.plan).count()
        for index, row in enumerate(rows):
            if index % 100 == 0:
                self.progress(90 * index // len(rows))
            measure = existing.get(row.name.casefold())
            if measure is None:
                position += 1
                measure = self.create(row, position)
                if measure is None:
                    continue
            else:
                self.change(row, measure, measure.pk in with_values)
            self.periods(row, measure, targets, values)
        seen = {row.name.casefold() for row in rows}
        self.preview.missing = sorted(m.name for key, m in existing.items() if key not in seen)
        self.progress(100)

    def place(self, kind: str, name: str) -> Priority | Theme:
        found: dict[str, Any] = self.priorities if kind == "priority" else self.themes
        key = name.casefold()
        if key not in found:
            model = Priority if kind == "priority" else Theme
            found[key] = model.objects.create(plan=self.plan, name=name, sort_order=len(found) + 1)
            self.preview.added.append(f"{kind} “{name}”")
        return found[key]

    def post(self, name: str) -> Post:
        key = name.casefold()
        if key not in self.posts:
            self.posts[key] = Post.objects.create(name=name)
            self.preview.added.append(f"post “{name}”")
        return self.posts[key]

    def attributes(self, row: MeasureRow) -> dict[str, Any]:
        """The row's fields as Measure attributes."""
        given = dict(row.fields)
        given.pop("name")
        for kind in ("priority", "theme"):
            if kind in given:
                given[kind] = self.place(kind, given[kind])
        if "owner" in given:
            given["owner"] = self.post(given["owner"])
        if "committees" in given:
            given["committees"] = list(
                dict.fromkeys(self.committee(name) for name in given["committees"])
            )
        return given

    def committee(self, name: str) -> Committee:
        created = len(self.committees.created)
        committee = self.committees.named(name)
        if len(self.committees.created) > created:
            self.preview.added.append(f"committee “{name}”")
        return committee

    def frequency_of(self, row: MeasureRow) -> str:
        """A new measure's frequency: as given; otherwise monthly when the row fills only
        month columns, else quarterly."""
        if "frequency" in row.fields:
            return row.fields["frequency"]
        kinds = {cell.frequency for cell in row.cells}
        return rating.MONTHLY if kinds == {rating.MONTHLY} else rating.QUARTERLY

    def create(self, row: MeasureRow, position: int) -> Measure | None:
        if "direction" not in row.fields:
            self.error(
                row,
                row.letters.get("direction"),
                "",
                f"Say whether higher or lower is better for the new measure “{row.name}” "
                "(a Direction column).",
            )
            return None
        if "priority" not in row.fields and "theme" not in row.fields:
            self.error(
                row,
                None,
                "",
                f"Give the priority or the theme the new measure “{row.name}” belongs to.",
            )
            return None
        attributes = self.attributes(row)
        committees = attributes.pop("committees", [])
        attributes.setdefault("unit", Measure.Unit.NUMBER)
        attributes["frequency"] = self.frequency_of(row)
        measure = Measure.objects.create(
            plan=self.plan, name=row.name, sort_order=position, **attributes
        )
        measure.committees.set(committees)
        self.preview.created.append(row.name)
        return measure

    def change(self, row: MeasureRow, measure: Measure, has_values: bool) -> None:
        changes = []
        attributes = self.attributes(row)
        if "committees" in attributes:
            committees = attributes.pop("committees")
            old = sorted(c.name for c in measure.committees.all())
            new = sorted(c.name for c in committees)
            if old != new:
                changes.append([LABELS["committees"], "; ".join(old), "; ".join(new)])
                measure.committees.set(committees)
        for name, new in attributes.items():
            old = getattr(measure, name)
            if old == new:
                continue
            if name == "frequency" and has_values:
                self.error(
                    row,
                    row.letters.get("frequency"),
                    new,
                    f"“{measure.name}” already has {old} figures, so its frequency cannot change.",
                )
                continue
            changes.append([LABELS[name], _shown(old), _shown(new)])
            setattr(measure, name, new)
        if changes:
            measure.save()
            self.preview.changed.append({"name": measure.name, "changes": changes})
        else:
            self.preview.unchanged += 1

    def periods(
        self,
        row: MeasureRow,
        measure: Measure,
        targets: dict[tuple[int, datetime.date], MeasureTarget],
        values: dict[tuple[int, datetime.date], MeasureValue],
    ) -> None:
        commentary = {c.period: c.value for c in row.cells if c.kind == "commentary"}
        figures = {c.period for c in row.cells if c.kind == "value"}
        for cell in row.cells:
            if cell.frequency != measure.frequency:
                self.error(
                    row,
                    cell.column,
                    cell.value,
                    f"“{measure.name}” is {measure.frequency}, so its targets and figures go in "
                    f"{'quarter' if measure.frequency == rating.QUARTERLY else 'month'} "
                    "columns.",
                )
            elif cell.kind == "target":
                self.target(measure, cell, targets)
            elif cell.kind == "value":
                self.value(measure, cell, values, commentary.get(cell.period))
        for period in sorted(set(commentary) - figures):
            entry = values.get((measure.pk, period))
            if entry is None:
                self.preview.problem(
                    Problem(
                        row.sheet,
                        row.row,
                        next(c.column for c in row.cells if c.period == period),
                        excerpt(commentary[period]),
                        "A commentary for a period with no figure was not imported.",
                    )
                )
            elif commentary[period] != entry.commentary:
                self.value(measure, None, values, commentary[period], period=period)

    def target(
        self,
        measure: Measure,
        cell: PeriodCell,
        targets: dict[tuple[int, datetime.date], MeasureTarget],
    ) -> None:
        label = rating.period_label(cell.period, measure.frequency)
        known = targets.get((measure.pk, cell.period))
        if known is None:
            MeasureTarget.objects.create(measure=measure, period=cell.period, target=cell.value)
            self.preview.targets_created += 1
        elif known.target != cell.value:
            self.preview.targets_changed.append(
                {
                    "name": measure.name,
                    "period": label,
                    "old": measure.format(known.target),
                    "new": measure.format(cell.value),
                }
            )
            known.target = cell.value
            known.save(update_fields=["target"])
        else:
            self.preview.unchanged_cells += 1

    def value(
        self,
        measure: Measure,
        cell: PeriodCell | None,
        values: dict[tuple[int, datetime.date], MeasureValue],
        commentary: str | None,
        period: datetime.date | None = None,
    ) -> None:
        """Save a figure (`cell`), or a new commentary for the figure already saved for
        `period` when `cell` is None."""
        period = cell.period if cell else period
        assert period is not None  # given with no cell: a figure already saved is revised
        entry = values.get((measure.pk, period))
        figure = cell.value if cell else cast(MeasureValue, entry).value
        words = commentary if commentary is not None else (entry.commentary if entry else "")
        if entry is not None and (entry.value, entry.commentary) == (figure, words):
            self.preview.unchanged_cells += 1
            return
        saved, _ = save_value(
            measure=measure,
            period=period,
            value=figure,
            commentary=words,
            author=self.user,  # who imported it; `imported` says it was not typed here
            imported=True,
            reason=self.reason,
            when=self.now,
        )
        values[(measure.pk, period)] = saved
        if entry is None:
            self.preview.values_created += 1
        else:
            self.preview.values_changed.append(
                {
                    "name": measure.name,
                    "period": rating.period_label(period, measure.frequency),
                    "old": f"{measure.format(entry.value)} {entry.commentary}".strip(),
                    "new": f"{measure.format(figure)} {words}".strip(),
                }
            )


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return rating.plain(value)
    return str(value)
