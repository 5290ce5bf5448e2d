"""Reading an action plan workbook (.xlsx) into plain rows, without touching the database.

read_workbook finds each sheet's header row, maps its columns to the tracker's fields and
months, and streams the rows below it into ActionRow objects, collecting every problem on
the way (with sheet, row and column) rather than stopping at the first. Nothing here
decides what a status means or who an officer is: the loader does that.
"""

import datetime
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal, NamedTuple, Protocol, TypeAlias
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

import openpyxl
from django.conf import settings
from openpyxl.chartsheet import Chartsheet
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from plans import dates
from plans.excel import formats, headers, layouts, lengths, periods
from plans.excel.errors import ImportFileError
from plans.excel.headers import (
    DEFAULT_SYNONYMS,
    FIELDS,
    HEADER_COLUMNS,
    HEADER_ROWS,
    PRIORITY_SERVED,
)
from plans.excel.periods import Period
from plans.models import Update

__all__ = [
    "DEFAULT_SYNONYMS",
    "FIELDS",
    "ActionRow",
    "Column",
    "MonthEntry",
    "Problem",
    "ReadResult",
    "RecommendationRow",
    "SheetSummary",
    "StatusDefinition",
    "cell_text",
    "read_workbook",
    "split_list",
]

# The sheet on which this app's own export carries text longer than a cell holds.
CONTINUED_SHEET = "Continued text"
# An updates sheet has a row per action and month, so it may have this many times more rows
# than the workbook's limit for rows of actions.
UPDATE_ROWS_PER_ROW = 10
MAX_BLANK_ROWS = 50  # this many blank rows in a row end a sheet: the rest is formatting
EXCEL_CELL_CHARS = 32_767  # the most an Excel cell holds; longer text is cut, with a warning
# A zip member this small is not checked for its packing ratio: tiny XML parts pack far
# better than their size matters.
RATIO_GRACE_BYTES = 1024 * 1024
SCAN_CHUNK = 256 * 1024  # bytes of a zip member read at a time when scanning it
# Fields holding several names, one a line or separated by semicolons.
LIST_FIELDS = {"other_leads", "committees"}
LIST_SEPARATORS = re.compile(r"\s*[\n;]\s*")
# What a Yes / No / blank cell may say, in lower case.
YES = {"yes", "y", "true", "1", "x", "✓", "✔"}
NO = {"no", "n", "false", "0", "", "-", "n/a", "na"}
# Text in the Ref column of a row that counts or sums the actions above it.
TOTAL_REF = re.compile(r"^(grand\s+|sub[\s-]*)?totals?\b|^count\b|^number\s+of\b", re.IGNORECASE)
# A row of one cell saying what the rows below are: "Priority: A thriving borough".
BAND = re.compile(
    r"^\s*(?P<kind>priority|theme|area|objective|outcome|workstream|work\s*stream|programme|"
    r"sub[\s-]*theme|strand|project)\s*\d*\s*[:\-–—]\s*(?P<name>\S.*)$",
    re.IGNORECASE,
)
WORKSTREAM_BANDS = {"workstream", "programme", "subtheme", "strand", "project"}
# A row of one cell that is a note to the reader, not a band: "Note: ...", "Key: ...".
NOTE = re.compile(r"^\s*(notes?|nb|n\.b\.|key|please|\*)\b", re.IGNORECASE)
BAND_CHARS = 200  # a band row's text is a theme's name; longer text is a note
SAMPLE_CHARS = 60  # a sample value in the mapping table is cut to this length
VALUES_KEPT = 20  # distinct values kept of an unrecognised column, for status questions

# A cell of a sheet, or a string of the shared strings table: the elements whose text is
# one cell's text.
CELL_ELEMENTS = {"c", "si"}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files
ZIP_SIGNATURE = b"PK\x03\x04"
# What a damaged file raises part-way through reading a sheet.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, ParseError)

# One row's cell values, as openpyxl or the CSV reader gives them.
Values: TypeAlias = Sequence[object]
Severity: TypeAlias = Literal["error", "warning"]


class Sheet(Protocol):
    """What the reader uses of a sheet: openpyxl's read-only worksheet, or a CsvSheet."""

    @property
    def title(self) -> str: ...
    @property
    def sheet_state(self) -> str: ...
    def reset_dimensions(self) -> None: ...
    def iter_rows(
        self,
        *,
        values_only: bool,
        min_row: int = ...,
        max_row: int | None = ...,
        max_col: int | None = ...,
    ) -> Generator[tuple[object, ...], None, None]: ...


@dataclass(slots=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None  # column letter, e.g. "K"
    value: str  # the text concerned, shortened
    message: str
    severity: Severity = "warning"


@dataclass(slots=True)
class MonthEntry:
    month: datetime.date | None  # the first of the month; None while a question is open
    status: str
    narrative: str
    status_column: str  # column letter, "" if the month has no such column
    narrative_column: str
    updated_by: str = ""  # who wrote it, as an updates sheet says: the update's signature


@dataclass(slots=True)
class ActionRow:
    """One action as the sheet gives it. `values` has a key for each field the sheet has a
    column for (so a missing column is not mistaken for a blank cell); its "theme" and
    "workstream" are filled down like the attributes, which fall back to the sheet name and
    "" where the sheet gives nothing."""

    sheet: str
    row: int
    theme: str  # the Theme column, filled down, or else the sheet name
    workstream: str  # the Workstream column, filled down, or ""
    # canonical field -> cell text, for each field the sheet has a column for (PRIORITY_SERVED:
    # the list of priorities served)
    values: dict[str, Any]
    months: list[MonthEntry]  # in month order, only months with a status or an update

    @property
    def ref(self) -> str:
        return self.values["ref"]


@dataclass(slots=True)
class StatusDefinition:
    label: str
    definition: str
    leadership_action: str


@dataclass(slots=True)
class Column:
    """One column of an actions sheet as the import reads it, for the preview's mapping table.
    `becomes` is a field name, "status:YYYY-MM" / "narrative:YYYY-MM" for a month's status or
    update (a quarter's label, "status:Q1 2023/24", or "status:current" for a current pair), "priority_served:NAME", "" when left out, or "?" for a heading not recognised."""

    sheet: str
    letter: str
    heading: str
    becomes: str
    sample: str = ""  # the first value under the heading in an action's row
    values: list[str] = field(default_factory=list)  # distinct short values, for unrecognised ones


@dataclass(slots=True)
class RecommendationRow:
    """One numbered recommendation of a recommendations plan and the refs of the actions
    proposed for it (shared with the recommendations its actions cell is merged over)."""

    source: str  # the Source it belongs to: the sheet's name, or the file's
    number: int
    area: str
    text: str
    refs: list[str]
    sheet: str
    row: int


@dataclass(slots=True)
class _UpdateLine:
    """A row of an updates sheet, until it is joined onto its action."""

    sheet: str
    row: int
    ref: str
    when: datetime.date  # the day given, or the first of the month
    entry: MonthEntry


SheetKind: TypeAlias = Literal[
    "actions",
    "updates",
    "recommendations",
    "measures",
    "status definitions",
    "continued text",
    "skipped",
]


class SheetSummary(NamedTuple):
    name: str
    header_row: int | None
    kind: SheetKind
    note: str  # why it was skipped, or ""


@dataclass(slots=True)
class ReadResult:
    rows: list[ActionRow] = field(default_factory=list)  # in workbook order, refs unique
    problems: list[Problem] = field(default_factory=list)  # in reading order
    # (sheet, column letter, header)
    unknown_headers: list[tuple[str, str, str]] = field(default_factory=list)
    months: list[datetime.date] = field(default_factory=list)  # every month with a column
    # Every period with a column (or a Modified date), in order: months, quarters, "current".
    periods: list[Period] = field(default_factory=list)
    # Questions only the administrator can answer, asked before anything is written:
    # a current Status / Update column with rows that give no month (no Modified date),
    # (sheet, column letter, header, rows)
    month_needed: list[tuple[str, str, str, int]] = field(default_factory=list)
    # and quarters written without a year when the plan has no start date.
    # (sheet, column letter, header)
    year_needed: list[tuple[str, str, str]] = field(default_factory=list)
    status_definitions: list[StatusDefinition] = field(default_factory=list)
    sheets: list[SheetSummary] = field(default_factory=list)  # one per sheet
    columns: list[Column] = field(default_factory=list)  # every headed column of actions sheets
    recommendations: list[RecommendationRow] = field(default_factory=list)  # in sheet order
    notes: list[str] = field(default_factory=list)  # what the reader decided, in words

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]


def read_workbook(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    name: str | None = None,
    synonyms: dict[str, list[str]] | None = None,
    skip_sheets: Iterable[str] = (),
    max_bytes: int = 20 * 1024 * 1024,
    max_cell_chars: int = EXCEL_CELL_CHARS,
    max_rows: int = 100_000,
    month: datetime.date | None = None,
    year: int | None = None,
    quarter_month: int = periods.LAST_MONTH_OF_QUARTER,
) -> ReadResult:
    """Read the action plan in `source` (a path, or a binary file-like object such as an
    uploaded file) into a ReadResult.

    `name` is the file's name (by default the path, or the file object's name): a name
    ending ".csv" is read as a CSV file of one sheet, named after the file. Sheets named in
    `skip_sheets` are left out, and listed as such. Formulas are never calculated: a formula
    cell reads as its formula text, with a warning. Raises ImportFileError when the file
    cannot be read at all (not an .xlsx or .csv, damaged, password-protected, over
    `max_bytes`, or over `max_rows` non-blank rows); anything wrong with particular sheets,
    rows or cells is a Problem in the result. `synonyms` adds header words to
    DEFAULT_SYNONYMS ({field: [header, ...]}). `month` (the first of a month) is the month of
    a current Status / Latest Update pair in rows with no Modified date; `year` the financial
    year (its first calendar year) of quarters written without one, else the year in a
    sheet's title block ("2023/24"); `quarter_month` the month of its quarter (1 to 3) a
    quarter's status and update are stored on (the plan's Plan.quarter_month).
    """
    owned = isinstance(source, str | os.PathLike)
    if name is None:
        name = str(source) if owned else getattr(source, "name", "")
    reader = _Reader(
        headers.vocabulary(synonyms),
        max_cell_chars,
        max_rows,
        month,
        year,
        quarter_month,
        file_name=formats.sheet_name_for(name),
    )
    skip = set(skip_sheets)
    # Opened here, closed in finally; isinstance again (not `owned`) so mypy sees a file.
    file = open(source, "rb") if isinstance(source, str | os.PathLike) else source  # noqa: SIM115
    workbook: Workbook | formats.CsvBook
    try:
        if formats.is_csv(name):
            _check_size(file, max_bytes)
            workbook = formats.open_csv(file, name)
        else:
            workbook = open_workbook(file, max_bytes)
        try:
            for unknown in sorted(skip - set(workbook.sheetnames)):
                reader.problem(
                    unknown,
                    None,
                    None,
                    "",
                    f"There is no sheet named '{unknown}' to leave out; the sheets are "
                    + ", ".join(f"'{sheet_name}'" for sheet_name in workbook.sheetnames)
                    + ".",
                    "error",
                )
            for sheet_name in workbook.sheetnames:
                if sheet_name in skip:
                    reader.note_sheet(sheet_name, None, "skipped", "left out when importing")
                    continue
                reader.read_sheet(workbook[sheet_name])
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
    return reader.finish()


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    return f"{max(1, round(count / 1024))} KB"


def _check_size(file: IO[bytes], max_bytes: int) -> None:
    """ImportFileError if the file is over `max_bytes` or empty."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size > max_bytes:
        raise ImportFileError(
            f"The file is {_size(size)}; the largest that can be imported is {_size(max_bytes)}."
        )
    if size == 0:
        raise ImportFileError("The file is empty.")


def open_workbook(file: IO[bytes], max_bytes: int) -> Workbook:
    """The openpyxl workbook in `file`, read-only, formulas as text; ImportFileError if the
    file is too big, empty, not an .xlsx, encrypted or damaged."""
    _check_size(file, max_bytes)
    head = file.read(len(OLE_SIGNATURE))
    file.seek(0)
    if head == OLE_SIGNATURE:
        raise ImportFileError(
            "This workbook is password-protected or an old .xls file: save it as .xlsx "
            "without a password and try again."
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise ImportFileError(
            "This is not an Excel .xlsx workbook. Open it in Excel and save it as an "
            "Excel Workbook (.xlsx)."
        )
    check_archive(file)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it does not keep (data validation,
            # conditional formatting extensions); they do not matter when reading values.
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(file, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # whatever openpyxl raises, the person needs the same advice
        raise ImportFileError(
            f"This file could not be read as an Excel .xlsx workbook ({error}). Open it in "
            "Excel, save it as an Excel Workbook (.xlsx) and try again."
        ) from error


def check_archive(file: IO[bytes]) -> None:
    """Refuse, with ImportFileError, an .xlsx that would unpack to more than is safe to read,
    before openpyxl loads any of it: more than IMPORT_MAX_UNCOMPRESSED_BYTES in all, a part
    packed more than IMPORT_MAX_UNPACK_RATIO times smaller than it unpacks (a "zip bomb"), or
    a cell holding more than IMPORT_MAX_CELL_CHARS characters (openpyxl would hold it whole in
    memory). Streams through the zip: memory stays at a few hundred KB whatever the file holds.
    Python's zipfile never unpacks more than a part's stated size, so the stated sizes bound
    what openpyxl can read."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "[Content_Types].xml" not in names:
                raise ImportFileError("This is a zip file, not an Excel .xlsx workbook.")
            unpacked = sum(member.file_size for member in members)
            limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
            if unpacked > limit:
                raise ImportFileError(
                    f"The workbook unpacks to {_size(unpacked)}, more than the {_size(limit)} "
                    "that can be read safely. Remove unused sheets, images or very long text "
                    "and try again."
                )
            ratio = settings.IMPORT_MAX_UNPACK_RATIO
            for member in members:
                if member.file_size > RATIO_GRACE_BYTES and member.file_size > ratio * max(
                    member.compress_size, 1
                ):
                    raise ImportFileError(
                        f"The workbook's part {member.filename} unpacks to "
                        f"{_size(member.file_size)} from {_size(member.compress_size)}, more "
                        f"than {ratio} times its packed size: it is not a workbook that can be "
                        "read safely. Save a fresh copy from Excel and try again."
                    )
            for member in members:
                if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                    _check_cells(archive, member)
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error) as error:
        raise ImportFileError(
            f"The file is damaged and cannot be opened ({error}). Save a fresh copy as .xlsx "
            "and try again."
        ) from error
    finally:
        file.seek(0)


class _CellTooLong(Exception):
    pass


def _check_cells(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse the workbook if a cell in the XML part `member` holds more characters than
    IMPORT_MAX_CELL_CHARS, counting as expat streams the text, without keeping it."""
    limit = settings.IMPORT_MAX_CELL_CHARS
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.ordered_attributes = parser.specified_attributes = True  # cheaper; not needed
    counted = [0]  # characters in the current cell so far

    def start(name: str, attributes: list[str]) -> None:
        if name.rpartition(":")[2] in CELL_ELEMENTS:
            counted[0] = 0

    def text(data: str) -> None:
        counted[0] += len(data)
        if counted[0] > limit:
            raise _CellTooLong

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(SCAN_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _CellTooLong:
        where = _part_name(member.filename)
        raise ImportFileError(
            f"{where} holds a cell of more than {limit:,} characters, far more than the "
            f"{EXCEL_CELL_CHARS:,} an Excel cell can hold, so the workbook was not read. "
            "Shorten that text, or split it over several cells, and try again."
        ) from None
    except expat.ExpatError:
        # Damaged XML: the text before the damage was counted, and openpyxl stops at the same
        # place, saying the workbook cannot be read.
        return


def _part_name(filename: str) -> str:
    """A zip member as a person would know it: the shared text of every sheet, or a sheet by
    its number (the workbook's sheet names are not read yet)."""
    if filename.lower().endswith("sharedstrings.xml"):
        return "The workbook's text (shared by every sheet)"
    number = re.search(r"sheet(\d+)\.xml$", filename, re.IGNORECASE)
    if number:
        return f"Sheet {number[1]} of the workbook"
    return f"The workbook's part {filename}"


def headers_index(letter: str) -> int:
    """The 0-based index of column `letter`."""
    return column_index_from_string(letter) - 1


def yes_no(text: object) -> bool | None:
    """True for Yes (Y, x, a tick), False for No or blank, None for anything else."""
    text = str(text or "").strip().casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


_QUARTER_NUMBER = re.compile(r"^\s*(?:q|qtr|quarter)?\s*(\d{1,2})\s*$", re.IGNORECASE)


def quarter_number(text: object) -> int | None:
    """The number in a "Quarter for completion" cell ("3", "Q3", "Quarter 3"), or None."""
    match = _QUARTER_NUMBER.match(str(text or ""))
    return int(match[1]) if match and int(match[1]) >= 1 else None


def split_list(text: str | None) -> list[str]:
    """The names in a cell of a list field, such as Other leads."""
    return [part for part in LIST_SEPARATORS.split(text or "") if part]


def cell_text(value: object) -> str:
    """The text a person would see in a cell holding `value` (as openpyxl reads it).

    Strings are stripped, keeping inner line breaks, and rich text exported as HTML reads as
    its plain text; whole numbers lose ".0"; dates read as
    dates.date_as_shown ("Dec-22", "11/01/2024"); TRUE/FALSE as Excel shows them; an array
    formula as its formula text.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        value = formats.html_text(value)  # rich text exported as HTML: its plain text
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # 15 significant digits is what Excel shows, so 0.1+0.2 reads "0.3".
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime.datetime | datetime.date):
        return dates.date_as_shown(value)
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, ArrayFormula):
        return value.text or "="
    if isinstance(value, DataTableFormula):
        return f"=TABLE({value.r1 or ''},{value.r2 or ''})"
    return str(value).strip()


def is_formula(value: object) -> bool:
    return isinstance(value, ArrayFormula | DataTableFormula) or (
        isinstance(value, str) and value.startswith("=") and len(value) > 1
    )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def excerpt(text: str, length: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _period_code(period: periods.Period) -> str:
    """How a Column's `becomes` names a period: "YYYY-MM" for a month, else its label
    ("Q1 2023/24", "Q1" while its year is asked, "current")."""
    return f"{period.month:%Y-%m}" if period.kind == "month" else period.label


def _iter_rows(sheet: Sheet, **limits: int) -> Generator[tuple[object, ...], None, None]:
    # Some writers put a wrong <dimension> in the sheet, which would cut reading short;
    # without one, openpyxl reads every row there is and we decide where the data ends.
    sheet.reset_dimensions()
    return sheet.iter_rows(values_only=True, **limits)


class _Reader:
    """Reads sheets one after another into one ReadResult."""

    def __init__(
        self,
        vocab: headers.Vocabulary,
        max_cell_chars: int,
        max_rows: int,
        month: datetime.date | None = None,
        year: int | None = None,
        quarter_month: int = periods.LAST_MONTH_OF_QUARTER,
        file_name: str = "",
    ) -> None:
        self.vocab = vocab
        self.month = month
        self.year = year
        self.quarter_month = quarter_month
        self.periods: dict[datetime.date | str, periods.Period] = {}  # Period.key -> Period
        # (sheet, letter, header) -> rows without a month
        self.month_needed: dict[tuple[str, str, str], int] = {}
        self.file_name = file_name  # the file's name without its suffix, for a Source
        self.max_cell_chars = max_cell_chars
        self.max_rows = max_rows
        self.rows_read = 0
        self.update_rows = 0
        self.result = ReadResult()
        # normalised ref -> (ActionRow, content), for duplicates
        self.first_seen: dict[str, tuple[ActionRow, tuple[object, ...]]] = {}
        self.months: set[datetime.date] = set()
        # (ref, month text, field, part, text) from our own exports
        self.continued: list[tuple[str, str, str, int, str]] = []
        self.no_title: list[tuple[str, int]] = []  # (sheet, header row): no action column
        self.updates: list[_UpdateLine] = []  # from updates sheets, joined on at the end

    def problem(
        self,
        sheet: str,
        row: int | None,
        column: str | None,
        value: str,
        message: str,
        severity: Severity = "warning",
    ) -> None:
        self.result.problems.append(Problem(sheet, row, column, value, message, severity))

    def note_sheet(
        self, name: str, header_row: int | None, kind: SheetKind, note: str = ""
    ) -> None:
        self.result.sheets.append(SheetSummary(name, header_row, kind, note))

    def read_sheet(self, sheet: Sheet | Chartsheet) -> None:
        name = sheet.title
        if isinstance(sheet, Chartsheet):
            self.note_sheet(name, None, "skipped", "chart sheet")
            return
        if sheet.sheet_state != "visible":
            # Hidden sheets hold lookups and old copies more often than live actions.
            self.note_sheet(name, None, "skipped", "hidden sheet")
            self.problem(name, None, None, "", f"Sheet '{name}' is hidden, so it was skipped.")
            return
        if name == CONTINUED_SHEET:
            self.read_continued(sheet)
            return
        top = []
        rows = _iter_rows(sheet, max_row=HEADER_ROWS, max_col=HEADER_COLUMNS)
        for number, values in enumerate(rows, start=1):
            top.append((number, [cell_text(value) for value in values]))
        recommendations = layouts.find_recommendations_header(top, self.vocab)
        if recommendations is not None:
            self.note_sheet(name, recommendations.row, "recommendations")
            self.read_recommendations(sheet, recommendations)
            return
        header = headers.find_header(
            top, self.vocab, self.sheet_year(name, top), self.quarter_month
        )
        if header is not None and "title" in header.fields:
            self.note_sheet(name, header.row, "actions")
            self.read_actions(sheet, header)
            return
        updates = layouts.find_updates_header(top, self.vocab)
        if updates is not None:
            self.note_sheet(name, updates.row, "updates")
            self.read_updates(sheet, updates)
            return
        if layouts.is_measures_header(top) and not isinstance(sheet, formats.CsvSheet):
            # Imported by the measure importer in the same upload (plans/measures/workbook.py).
            self.note_sheet(name, None, "measures", "measures, in the measure importer's layout")
            return
        definitions = headers.find_definitions_header(top)
        if definitions is not None:
            self.note_sheet(name, definitions.row, "status definitions")
            self.read_definitions(sheet, definitions)
            return
        if header is not None:
            note = (
                "it has a Ref column but no column for the action itself (headed Action, "
                "Key action, Milestone or Task), so it is not a sheet of actions"
            )
            self.no_title.append((name, header.row))
            self.note_sheet(name, header.row, "skipped", note)
        else:
            note = f"no column headed Ref, Reference or Action ref in the first {HEADER_ROWS} rows"
            self.note_sheet(name, None, "skipped", note)
        self.problem(name, None, None, "", f"Sheet '{name}' was left out: {note}.")

    def sheet_year(self, name: str, top: list[tuple[int, list[str]]]) -> int | None:
        """The financial year of the sheet's quarters written without a year: the one given,
        else one written in the sheet's name or title block ("Delivery Plan 2023/24")."""
        if self.year is not None:
            return self.year
        titles = [name] + [" ".join(texts) for _, texts in top if sum(map(bool, texts)) <= 2]
        return next((year for text in titles if (year := dates.financial_year_in_text(text))), None)

    def text(self, sheet: str, row: int, index: int, value: object) -> str:
        """cell_text, with a warning for a formula (kept as text) or over-long text."""
        text = cell_text(value)
        if is_formula(value):
            self.problem(
                sheet,
                row,
                get_column_letter(index + 1),
                excerpt(text),
                "This cell holds a formula; it was read as the formula's text, not calculated.",
            )
        if len(text) > self.max_cell_chars:
            self.problem(
                sheet,
                row,
                get_column_letter(index + 1),
                excerpt(text),
                f"This cell has {len(text):,} characters; it was truncated to the first "
                f"{self.max_cell_chars:,}.",
            )
            text = text[: self.max_cell_chars]
        return text

    def check_length(
        self, sheet: str, row: int, header: headers.Header, key: str, text: str
    ) -> None:
        """An error for each name in the cell too long for the database field storing it."""
        field = lengths.ACTION_FIELDS.get(key)
        if field is None:
            return
        index = header.fields[key]
        heading = f"“{header.texts[index]}”"
        if key in LIST_FIELDS:
            parts, what = split_list(text), f"A name in {heading}"
        else:
            parts, what = [text], heading
        for part in parts:
            if message := lengths.too_long(part, field, what):
                letter = get_column_letter(index + 1)
                self.problem(sheet, row, letter, excerpt(part), message, "error")

    def count_row(self) -> None:
        self.rows_read += 1
        if self.rows_read > self.max_rows:
            raise ImportFileError(
                f"The workbook has more than {self.max_rows:,} rows of data, more than an "
                "action plan should; check for stray content far below the actions."
            )

    def header_columns(self, name: str, header: headers.Header) -> list[Column]:
        """Column entries for every headed column of `header`, in column order."""
        becomes = dict.fromkeys((index for index, _ in header.unknown), "?")
        becomes |= dict.fromkeys((index for index, _ in header.left_out), "")
        becomes |= {index: "" for index, _, _ in header.duplicates}
        becomes |= {index: f"{PRIORITY_SERVED}:{n}" for index, n in header.priorities.items()}
        for columns in header.months:
            for kind in ("status", "narrative"):
                if getattr(columns, kind) is not None:
                    becomes[getattr(columns, kind)] = f"{kind}:{_period_code(columns.period)}"
        becomes |= {index: key for key, index in header.fields.items()}
        return [
            Column(name, get_column_letter(index + 1), header.texts[index], becomes[index])
            for index in sorted(becomes)
        ]

    def data_rows(
        self, sheet: Sheet, header_row: int, width: int, count: Callable[[], None] | None = None
    ) -> Iterator[tuple[int, tuple[object, ...]]]:
        """(row number, cell values) of each non-blank row under the header in `header_row`,
        until MAX_BLANK_ROWS blank rows in a row (the rest is formatting). Each row is
        counted against the limits by `count` (count_row unless said)."""
        count = count or self.count_row
        blank_run = 0
        rows = _iter_rows(sheet, min_row=header_row + 1, max_col=width)
        try:
            for number, values in enumerate(rows, start=header_row + 1):
                if all(_blank(value) for value in values):
                    blank_run += 1
                    if blank_run >= MAX_BLANK_ROWS:
                        return
                    continue
                blank_run = 0
                count()
                yield number, values
        finally:
            rows.close()

    def count_update_row(self) -> None:
        self.update_rows += 1
        if self.update_rows > self.max_rows * UPDATE_ROWS_PER_ROW:
            raise ImportFileError(
                f"The workbook's updates sheets have more than "
                f"{self.max_rows * UPDATE_ROWS_PER_ROW:,} rows, more than an action plan's "
                "updates should; check for stray content far below them."
            )

    def read_header_problems(self, name: str, header: headers.Header) -> None:
        letter = get_column_letter
        for index, text in header.unknown:
            self.result.unknown_headers.append((name, letter(index + 1), text))
        for index, text, earlier in header.duplicates:
            self.problem(
                name,
                header.row,
                letter(index + 1),
                excerpt(text),
                f"Column {letter(index + 1)} means the same as column {letter(earlier + 1)} "
                f"('{header.texts[earlier]}'), so it was ignored.",
            )
        for columns in header.months:
            index = columns.first_column
            period = columns.period
            if period.kind == "quarter" and period.month is None:
                for each in sorted(i for i in (columns.status, columns.narrative) if i is not None):
                    self.result.year_needed.append((name, letter(each + 1), header.texts[each]))
                continue
            if period.kind == "current" or columns.month is None:
                continue  # each row's month is read from its Modified date
            self.periods[period.key] = period
            if not dates.in_range(columns.month):
                self.problem(
                    name,
                    header.row,
                    letter(index + 1),
                    excerpt(header.texts[index]),
                    f"Column {letter(index + 1)} is headed with {dates.out_of_range(columns.month)}.",
                    "error",
                )
            self.months.add(columns.month)

    def read_actions(self, sheet: Sheet, header: headers.Header) -> None:
        """Stream the rows below `header` into ActionRows, filling Theme and Workstream
        down (merged cells read as blank below their first row)."""
        name = sheet.title
        self.read_header_problems(name, header)
        columns = header.fields
        ref_index = columns["ref"]
        ref_letter = get_column_letter(ref_index + 1)
        headings = {columns[key] for key in ("theme", "workstream") if key in columns}
        # Keyed by int | None: letters.get(columns.status, "") is "" for a missing column.
        letters: dict[int | None, str] = {
            index: get_column_letter(index + 1) for index in range(header.width)
        }
        described = self.header_columns(name, header)
        self.result.columns += described
        waiting = {headers_index(c.letter): c for c in described}  # columns without a sample
        filled: dict[str, Any] = {}  # "theme" / "workstream" -> the value above
        # Rows with text but no Ref since the last action: reported as skipped unless a
        # repeated header follows, which makes them that header's title and band rows.
        no_ref: list[tuple[int, str]] = []
        for number, values in self.data_rows(sheet, header.row, header.width):
            occupied = [index for index, value in enumerate(values) if not _blank(value)]
            ref = cell_text(values[ref_index])
            if headers.is_ref_heading(ref, self.vocab):
                no_ref.clear()  # the header again: a new block starts
                filled.clear()
                continue
            if ref and (is_formula(values[ref_index]) or TOTAL_REF.match(ref)):
                message = "This row counts or sums the actions, not an action; skipped."
                self.problem(name, number, ref_letter, excerpt(ref), message)
                continue
            if not ref and set(occupied) <= headings:
                # A heading row naming the theme or workstream of the rows below.
                for key in ("theme", "workstream"):
                    if key in columns and not _blank(values[columns[key]]):
                        filled[key] = cell_text(values[columns[key]])
                        self.check_length(name, number, header, key, filled[key])
                continue
            title_index = columns.get("title")
            has_title = title_index is not None and not _blank(values[title_index])
            if len(occupied) == 1 and not (ref and has_title):
                text = cell_text(values[occupied[0]])
                band = BAND.match(text)
                if NOTE.match(text) or len(text) > BAND_CHARS:
                    self.problem(
                        name,
                        number,
                        letters[occupied[0]],
                        excerpt(text),
                        "A note, not an action; skipped.",
                    )
                    continue
                if band or occupied[0] != title_index:
                    self.band(filled, columns, band, text)
                    no_ref.clear()
                    continue
            if not ref:
                text = " | ".join(cell_text(values[index]) for index in occupied)
                no_ref.append((number, excerpt(text)))
                continue
            if not has_title and title_index is not None:
                self.problem(
                    name,
                    number,
                    letters[title_index],
                    ref,
                    f"Row has Ref {ref} but no action in column {letters[title_index]}; skipped.",
                )
                continue
            self.report_no_ref(name, ref_letter, no_ref)
            self.add_row(self.action_row(name, number, values, header, letters, filled))
            if waiting:
                self.sample(waiting, values)
        self.report_no_ref(name, ref_letter, no_ref)

    @staticmethod
    def band(
        filled: dict[str, Any], columns: dict[str, int], band: re.Match[str] | None, text: str
    ) -> None:
        """Apply a band row ("Priority: A thriving borough") to the rows below it: a priority,
        theme or area band names their theme (and a priority band their theme's priority),
        a workstream or programme band their workstream. A band without a word before its
        colon names the theme, or the workstream where the sheet has a Theme column."""
        kind = re.sub(r"[\s-]+", "", band["kind"]).casefold() if band else ""
        name = band["name"].strip() if band else text
        if kind in WORKSTREAM_BANDS or (not kind and "theme" in columns):
            filled["workstream"] = name
            return
        filled.pop("workstream", None)
        filled["theme"] = name
        filled["band"] = True
        if kind == "priority" and "priority" not in columns:
            filled["priority"] = name

    @staticmethod
    def sample(waiting: dict[int, Column], values: Values) -> None:
        """Note the first value of each column in `waiting` under its heading, and distinct
        values of unrecognised columns; a column leaves `waiting` once it has all it needs."""
        for index, column in list(waiting.items()):
            text = cell_text(values[index])
            if not text:
                continue
            column.sample = column.sample or excerpt(text, SAMPLE_CHARS)
            if column.becomes != "?" or len(column.values) >= VALUES_KEPT:
                del waiting[index]
            elif len(text) <= SAMPLE_CHARS and text not in column.values:
                column.values.append(text)

    def report_no_ref(self, name: str, ref_letter: str, no_ref: list[tuple[int, str]]) -> None:
        for number, text in no_ref:
            self.problem(name, number, ref_letter, text, "Row has text but no Ref; skipped.")
        no_ref.clear()

    def action_row(
        self,
        name: str,
        number: int,
        values: Values,
        header: headers.Header,
        letters: dict[int | None, str],
        filled: dict[str, Any],
    ) -> ActionRow:
        values_by_field: dict[str, Any] = {
            key: self.text(name, number, index, values[index])
            for key, index in header.fields.items()
        }
        for key, text in values_by_field.items():
            self.check_length(name, number, header, key, text)
        for key in headers.FLAG_FIELDS:
            if key in values_by_field:
                self.check_yes_no(name, number, letters[header.fields[key]], values_by_field[key])
        quarter = values_by_field.get("due_quarter")
        if quarter and quarter_number(quarter) is None:
            self.problem(
                name,
                number,
                letters[header.fields["due_quarter"]],
                excerpt(quarter),
                "Write the quarter's number: 1 is April to June of the plan's first year, "
                "5 April to June of its second.",
                "error",
            )
        if header.priorities:
            served = []
            for index, priority in header.priorities.items():
                text = self.text(name, number, index, values[index])
                if self.check_yes_no(name, number, letters[index], text):
                    served.append(priority)
            values_by_field[PRIORITY_SERVED] = served
        for key in ("theme", "workstream"):
            if key in values_by_field:
                if values_by_field[key]:
                    filled[key] = values_by_field[key]
                values_by_field[key] = filled.get(key, "")
        if "priority" in filled and "priority" not in header.fields:
            values_by_field["priority"] = filled["priority"]
        months = []
        for columns in header.months:
            month = self.row_month(name, number, values, header, columns)
            status = narrative = ""
            if columns.status is not None:
                status = self.text(name, number, columns.status, values[columns.status])
            if columns.narrative is not None:
                narrative = self.text(name, number, columns.narrative, values[columns.narrative])
            if status or narrative:
                months.append(
                    MonthEntry(
                        month,
                        status,
                        narrative,
                        letters.get(columns.status, ""),
                        letters.get(columns.narrative, ""),
                    )
                )
        return ActionRow(
            sheet=name,
            row=number,
            theme=values_by_field.get("theme") or filled.get("theme") or name.strip(),
            workstream=values_by_field.get("workstream") or filled.get("workstream", ""),
            values=values_by_field,
            months=months,
        )

    def row_month(
        self,
        name: str,
        number: int,
        values: Values,
        header: headers.Header,
        columns: headers.MonthColumns,
    ) -> datetime.date | None:
        """The month the row's entry in `columns` is for: the column's, or for a current
        pair the row's Modified date, else the month given. None while a question about it
        is unanswered: the entry is still read, so its status word is asked about in the
        same round, and the import stays blocked until the answer comes."""
        if columns.period.kind != "current":
            return columns.month
        month = None
        if header.modified is not None:
            month = periods.month_of_value(values[header.modified])
        if header.modified is not None and month is not None and not dates.in_range(month):
            letter = get_column_letter(header.modified + 1)
            text = cell_text(values[header.modified])
            self.problem(
                name, number, letter, text, f"This date is in {dates.out_of_range(month)}.", "error"
            )
            return month  # the error blocks the import
        month = month or self.month
        if month is None:
            if any(
                not _blank(values[index])
                for index in (columns.status, columns.narrative)
                if index is not None
            ):
                index = columns.first_column
                where = (name, get_column_letter(index + 1), header.texts[index])
                self.month_needed[where] = self.month_needed.get(where, 0) + 1
            return None
        self.months.add(month)
        self.periods.setdefault(month, periods.month_period(month))
        return month

    def check_yes_no(self, sheet: str, row: int, letter: str, text: str) -> bool | None:
        """yes_no(text), with an error naming the cell when it is neither."""
        answer = yes_no(text)
        if answer is None:
            self.problem(
                sheet,
                row,
                letter,
                excerpt(text),
                "Write Yes, No or leave the cell empty.",
                "error",
            )
        return answer

    def add_row(self, row: ActionRow) -> None:
        """Keep `row` unless its ref was seen before: the same content again is a warning,
        different content an error naming both places."""
        key = " ".join(row.ref.split()).casefold()
        content = (
            row.theme,
            row.workstream,
            row.values,
            [(entry.month, entry.status, entry.narrative) for entry in row.months],
        )
        if key not in self.first_seen:
            self.first_seen[key] = (row, content)
            self.result.rows.append(row)
            return
        first, first_content = self.first_seen[key]
        where = f"'{first.sheet}' row {first.row}"
        if content == first_content:
            message = f"Ref {row.ref} appears again, the same as at {where}; this copy is ignored."
            severity: Severity = "warning"
        else:
            message = (
                f"Ref {row.ref} is used twice with different content: at {where} and at "
                f"'{row.sheet}' row {row.row}. Give one of them a different ref."
            )
            severity = "error"
        self.problem(row.sheet, row.row, None, row.ref, message, severity)

    def read_updates(self, sheet: Sheet, header: layouts.UpdatesHeader) -> None:
        """An updates sheet: each row one update of the action with its ref, for the month
        its Month or Date cell names. Joined onto the actions when every sheet is read."""
        name = sheet.title
        columns = header.columns
        letters: dict[int | None, str] = {
            index: get_column_letter(index + 1) for index in range(header.width)
        }
        signature_field = Update._meta.get_field("signature")
        for number, values in self.data_rows(
            sheet, header.row, header.width, count=self.count_update_row
        ):
            texts = {
                key: self.text(name, number, index, values[index]) for key, index in columns.items()
            }
            ref = cell_text(values[header.ref])
            if self.vocab.fields.get(headers.header_key(ref)) == "ref":
                continue  # the header again
            status, narrative = texts.get("status", ""), texts.get("narrative", "")
            if not ref:
                self.problem(
                    name,
                    number,
                    letters[header.ref],
                    excerpt(" | ".join(t for t in texts.values() if t)),
                    "Row has text but no Ref, so it is no action's update; skipped.",
                )
                continue
            if not (status or narrative):
                continue
            month_index = columns["month"]
            when = self.update_date(name, number, letters[month_index], values[month_index])
            if when is None:
                continue
            updated_by = texts.get("updated_by", "")
            if updated_by and (
                message := lengths.too_long(updated_by, signature_field, "“Updated by”")
            ):
                letter = letters[columns["updated_by"]]
                self.problem(name, number, letter, excerpt(updated_by), message, "error")
            month = when.replace(day=1)
            self.months.add(month)
            entry = MonthEntry(
                month,
                status,
                narrative,
                letters.get(columns.get("status"), ""),
                letters.get(columns.get("narrative"), ""),
                updated_by,
            )
            self.updates.append(_UpdateLine(name, number, ref, when, entry))

    def update_date(
        self, name: str, number: int, letter: str, value: object
    ) -> datetime.date | None:
        """The date an updates sheet's Month or Date cell gives (a date cell, "Jan-24",
        "January 2024", "15/01/2024"), or None with an error naming the cell."""
        text = cell_text(value)
        when = dates.parse_fuzzy_date(value) if value is not None else None
        if when is None and text:
            when = dates.month_in_text(text)
        if when is None:
            self.problem(
                name,
                number,
                letter,
                excerpt(text),
                "This update's month cannot be read: give a date or a month such as "
                "“January 2024” or “Jan-24”."
                if text
                else "This update has no month or date.",
                "error",
            )
            return None
        if not dates.in_range(when.replace(day=1)):
            self.problem(
                name,
                number,
                letter,
                excerpt(text),
                f"This update is dated {dates.out_of_range(when.replace(day=1))}.",
                "error",
            )
            return None
        return when

    def join_updates(self) -> None:
        """Put each updates-sheet row onto its action as that month's update. Two rows for
        one action and month: the later date (or the lower row) is the update, the other is
        reported; one that differs from the month's columns on the actions sheet is an error."""
        rows = {" ".join(row.ref.split()).casefold(): row for row in self.result.rows}
        # (sheet, row, month) -> (ActionRow, _UpdateLine)
        chosen: dict[tuple[str, int, datetime.date | None], tuple[ActionRow, _UpdateLine]] = {}
        for line in sorted(self.updates, key=lambda line: (line.when, line.row)):
            row = rows.get(" ".join(line.ref.split()).casefold())
            if row is None:
                self.problem(
                    line.sheet,
                    line.row,
                    None,
                    line.ref,
                    f"Ref {line.ref} on the updates sheet matches no action in the workbook.",
                    "error",
                )
                continue
            key = (row.sheet, row.row, line.entry.month)
            if key in chosen:
                earlier = chosen[key][1]
                self.problem(
                    earlier.sheet,
                    earlier.row,
                    None,
                    line.ref,
                    f"Ref {line.ref} has a later {line.entry.month:%B %Y} update at row "
                    f"{line.row}, which is the one imported; this row is not.",
                )
            chosen[key] = (row, line)
        for (sheet, number, month), (row, line) in chosen.items():
            given = next((entry for entry in row.months if entry.month == month), None)
            if given is None:
                row.months.append(line.entry)
                # A month still asked about is None, and sorting it beside a date raises
                # TypeError: a known bug, left for a fix of its own.
                # A current pair's month may still be to be asked (None): it sorts last.
                row.months.sort(key=lambda e: (e.month is None, e.month or datetime.date.min))
            elif (given.status, given.narrative) != (line.entry.status, line.entry.narrative):
                self.problem(
                    line.sheet,
                    line.row,
                    None,
                    line.ref,
                    f"This {month:%B %Y} update of {line.ref} differs from the one in the "
                    f"month's columns at '{sheet}' row {number}. Keep one of them.",
                    "error",
                )

    def read_recommendations(self, sheet: Sheet, header: layouts.RecommendationsHeader) -> None:
        """A recommendations plan: each lettered action in a recommendation's actions cell
        becomes an action "1.a" under the recommendation's area, and each recommendation is
        kept, linked to its actions, in a Source named after the sheet (or the file). A
        recommendation whose actions cell is blank shares the actions above it in the same
        area: the cell is merged over both."""
        name = sheet.title
        source = layouts.source_name(name, self.file_name)
        letter = get_column_letter
        area = ""
        group = None  # the RecommendationRow whose actions cell the next blank one shares
        numbers: dict[int, int] = {}  # number -> row, for duplicates
        repeated = header.texts[header.number]
        for number, values in self.data_rows(sheet, header.row, header.width):
            occupied = [index for index, value in enumerate(values) if not _blank(value)]
            written = cell_text(values[header.number])
            if written and written == repeated:
                continue  # the header again
            if header.area is not None and not _blank(values[header.area]):
                if cell_text(values[header.area]) != area:
                    group = None
                area = cell_text(values[header.area])
            rec_number = layouts.recommendation_number(written)
            if rec_number is None and len(occupied) == 1 and occupied[0] != header.actions:
                area, group = cell_text(values[occupied[0]]), None  # an area band
                field = lengths.ACTION_FIELDS["theme"]
                if message := lengths.too_long(area, field, "The area"):
                    at = letter(occupied[0] + 1)
                    self.problem(name, number, at, excerpt(area), message, "error")
                continue
            if rec_number is None:
                text = " | ".join(cell_text(values[index]) for index in occupied)
                if written:
                    message = "This recommendation's number cannot be read; give a number."
                    severity: Severity = "error"
                else:
                    message = "Row has text but no recommendation number; skipped."
                    severity = "warning"
                at = letter(header.number + 1)
                self.problem(name, number, at, excerpt(text), message, severity)
                continue
            if rec_number in numbers:
                self.problem(
                    name,
                    number,
                    letter(header.number + 1),
                    written,
                    f"Recommendation {rec_number} appears twice: at row {numbers[rec_number]}"
                    f" and row {number}. Give one of them a different number.",
                    "error",
                )
                continue
            numbers[rec_number] = number
            text = self.text(name, number, header.text, values[header.text])
            actions = self.text(name, number, header.actions, values[header.actions])
            recommendation = RecommendationRow(source, rec_number, area, text, [], name, number)
            self.result.recommendations.append(recommendation)
            if actions:
                group = recommendation
                theme = area or name.strip()
                fields = {
                    key: self.text(name, number, index, values[index])
                    for key, index in header.fields.items()
                }
                for mark, title in layouts.split_lettered(actions):
                    ref = f"{rec_number}.{mark}" if mark else str(rec_number)
                    values_by_field = {"ref": ref, "title": title, **fields}
                    if area:
                        values_by_field["theme"] = area
                    row = ActionRow(name, number, theme, "", values_by_field, [])
                    recommendation.refs.append(ref)
                    self.add_row(row)
            elif group is not None:
                recommendation.refs = group.refs  # the same list: merged cells
                self.result.notes.append(
                    f"Recommendation {rec_number} ('{name}' row {number}) has no actions "
                    f"of its own, so it is linked to those of recommendation {group.number} "
                    "above it, as if their actions cell were merged over both."
                )
            else:
                self.result.notes.append(
                    f"Recommendation {rec_number} ('{name}' row {number}) has no proposed "
                    "actions; it is kept in its source without any."
                )

    def read_definitions(self, sheet: Sheet, header: headers.DefinitionsHeader) -> None:
        indexes = [header.label, header.definition, header.leadership_action]
        width = max(index for index in indexes if index is not None) + 1
        blank_run = 0
        rows = _iter_rows(sheet, min_row=header.row + 1, max_col=width)
        try:
            for values in rows:
                label = cell_text(values[header.label])
                if not label:
                    blank_run += 1
                    if blank_run >= MAX_BLANK_ROWS:
                        break
                    continue
                blank_run = 0
                self.count_row()
                leadership = ""
                if header.leadership_action is not None:
                    leadership = cell_text(values[header.leadership_action])
                definition = cell_text(values[header.definition])
                self.result.status_definitions.append(
                    StatusDefinition(label, definition, leadership)
                )
        finally:
            rows.close()

    def read_continued(self, sheet: Sheet) -> None:
        """Text too long for one cell, as this app's export writes it: the parts after the
        first, to be joined back onto their cells."""
        self.note_sheet(sheet.title, 1, "continued text")
        for values in _iter_rows(sheet, min_row=2, max_col=5):
            ref, month, field_name, part, text = (cell_text(value) for value in values)
            if ref and text:
                self.continued.append((ref, month, field_name, int(part or 0), text))

    def join_continued(self) -> None:
        rows = {row.ref: row for row in self.result.rows}
        for ref, month, field_name, _, text in sorted(self.continued, key=lambda c: c[3]):
            row = rows.get(ref)
            if row is None:
                continue
            if field_name == "narrative":
                for entry in row.months:
                    if entry.month and f"{entry.month:%Y-%m}" == month:
                        entry.narrative += text
            elif field_name in row.values:
                row.values[field_name] += text

    def finish(self) -> ReadResult:
        self.join_continued()
        self.join_updates()
        result = self.result
        result.months = sorted(self.months)
        result.periods = [self.periods[key] for key in sorted(self.periods)]
        result.month_needed = [(*where, rows) for where, rows in self.month_needed.items()]
        if not any(summary.kind in ("actions", "recommendations") for summary in result.sheets):
            for sheet, row in self.no_title:
                self.problem(
                    sheet,
                    row,
                    None,
                    "",
                    f"Sheet '{sheet}' has a Ref column but no column for the action itself "
                    "(headed Action, Key action, Milestone or Task).",
                    "error",
                )
            if self.no_title:
                return result
            result.problems.append(
                Problem(
                    "",
                    None,
                    None,
                    "",
                    "No column headed Ref, Reference, Action ref or ID found in any sheet "
                    f"(the header row must be within the first {HEADER_ROWS} rows).",
                    "error",
                )
            )
        return result
