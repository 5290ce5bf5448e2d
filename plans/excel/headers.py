"""Recognising the header row of an action plan sheet: which column holds which field,
and which columns hold each period's status and update (plans/excel/periods.py says which
period). Pure functions on cell text."""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

from plans import dates
from plans.excel import periods

FIELDS = [
    "ref",
    "title",
    "description",
    "theme",
    "workstream",
    "priority",
    "director",
    "lead_officer",
    "member_lead",
    "other_leads",
    "update_owner",
    "committees",
    "start",
    "due",
    "risk",
    "outcome",
    "source",
    "due_quarter",
    "statutory",
    "contract",
    "support_function",
    "efficiency",
]
# Fields read from Yes / No / blank cells.
FLAG_FIELDS = ["statutory", "contract", "support_function", "efficiency"]
# A column holding Yes for each action serving one plan priority: "Council Plan Priority 1 -
# Resource and Opportunity". The administrator can make any column one (`PRIORITY_SERVED`).
PRIORITY_SERVED = "priority_served"
_PRIORITY_COLUMN = re.compile(
    r"^\s*(?:council\s+plan\s+|corporate\s+|council\s+)?priority\s*\d*\s*[-–—:]\s*(?P<name>\S.*)$",
    re.IGNORECASE,
)

# Canonical field -> the headers councils use for it. Compared through header_key, so case,
# spacing, punctuation and bracketed asides such as "(if different)" do not matter.
DEFAULT_SYNONYMS = {
    "ref": ["ref", "reference", "action ref", "ref no", "ref number", "action reference"],
    "title": [
        "action",
        "actions",
        "key action",
        "key actions",
        "milestone",
        "milestones",
        "task",
        "tasks",
        "title",
    ],
    "description": ["description", "action description", "details", "action details"],
    "theme": ["theme", "theme name", "corporate theme", "objective", "objectives"],
    "workstream": ["workstream", "workstreams", "programme", "sub theme", "service team"],
    "priority": ["priority", "priorities", "corporate priority", "council priority"],
    "director": ["director", "responsible director", "lead director", "executive director"],
    "lead_officer": [
        "lead officer",
        "task officer",
        "responsible officer",
        "lead",
        "officer",
        "action owner",
    ],
    "member_lead": [
        "lead cabinet member",
        "portfolio holder",
        "cabinet member",
        "member lead",
        "lead member",
        "committee chair",
    ],
    "other_leads": [
        "other leads",
        "other lead",
        "supporting leads",
        "supporting officers",
        "supporting officer",
        "team",
    ],
    "update_owner": ["update owner"],
    "committees": ["committee", "committees", "relevant committee", "reporting committee"],
    "start": ["start", "start date", "planned start"],
    "due": [
        "due date",
        "due",
        "target date",
        "deadline",
        "completion date",
        "target completion date",
        "end date",
    ],
    "risk": ["main action risk", "risk", "key risk", "focus"],
    "outcome": ["outcome", "outcomes", "measures of success", "measure of success"],
    "source": ["source", "recommendation", "origin"],
    "due_quarter": ["quarter for completion", "completion quarter", "quarter due"],
    "statutory": ["statutory", "statutory function", "statutory duty"],
    "contract": ["contract", "contract register"],
    "support_function": ["support function", "support service"],
    "efficiency": ["efficiency", "efficiency saving", "gershon efficiency"],
}

# A SharePoint list's item number: the ref of a sheet that has no Ref column.
ID_HEADINGS = {"id", "itemid"}  # header_keys of "ID" and "Item ID"

# Headings known to mean nothing the tracker keeps: left out (and said so) unless mapped.
LEFT_OUT = ["direction of travel", "direction", "trend"]
# The date a row was last changed (a SharePoint list's Modified): the month of a current
# Status / Latest Update pair. Read, never stored as a field.
MODIFIED = [
    "modified",
    "date modified",
    "last modified",
    "modified date",
    "last updated",
    "date last updated",
    "date updated",
    "updated on",
    "date of update",
    "update date",
    "last update date",
]

# Words that make a header with a period in it a status or a narrative column. Checked
# narrative first, so "Status update (Jan 24)" and "Evidence of status rating" are narratives.
MONTH_WORDS = {
    "narrative": [
        "update",
        "updates",
        "commentary",
        "comment",
        "comments",
        "narrative",
        "notes",
        "evidence",
        "progress report",
    ],
    "status": ["status", "rag", "brag", "rating", "progress"],
}
# Words a heading naming no period may hold besides status or narrative words and still be a
# current Status / Latest Update column: "Current RAG status", "Status of Project".
CURRENT_WORDS = {"latest", "current", "overall", "last", "most", "recent", "of", "the", "project"}
# What joins the parts of a compound heading: "Action / Milestone", "Lead officer & team".
COMPOUND = re.compile(r"\s*(?:/|\\|&|\+|,|\band\b|\bor\b)\s*", re.IGNORECASE)

HEADER_ROWS = 20  # the header must be within this many rows of the top
HEADER_COLUMNS = 500  # and within this many columns of the left


def header_key(text: object) -> str:
    """`text` as headers are compared: lower case, bracketed asides such as "(if different)"
    dropped, and only letters and digits kept ("Update Owner (if different)" -> "updateowner")."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", str(text or ""))
    return re.sub(r"[\W_]+", "", text.casefold())


def _words(text: object) -> str:
    return " " + " ".join(re.findall(r"[^\W_]+", str(text or "").casefold())) + " "


def is_month_word(word: str) -> bool:
    """Is `word` part of how a heading names its period ("Jan", "2024", "Jan24", "Q1", "FY")?"""
    month_and_year = re.fullmatch(r"([a-z]+)(\d{2}|\d{4})", word)
    return (
        word in dates.MONTHS
        or word.isdigit()
        or (month_and_year is not None and month_and_year[1] in dates.MONTHS)
        or re.fullmatch(r"q[1-4]|qtr|quarter|fy|\d+(st|nd|rd|th)", word) is not None
    )


def words_beside_period(text: str) -> str:
    """The words of a heading other than those naming its period, by which an answer about
    it is remembered for every period: "brag" for "Jan-24 BRAG" and "Q1 2023/24 BRAG"."""
    return " ".join(w for w in _words(text).split() if not is_month_word(w))


@dataclass
class Vocabulary:
    """The header words in force for one read: the defaults plus any the caller added."""

    fields: dict[str, str]  # header_key -> canonical field
    month_words: dict[str, list[str]]  # "status" / "narrative" -> list of words or phrases
    ignored: set[str] = field(default_factory=set)  # header_keys of columns to leave out
    served: set[str] = field(default_factory=set)  # header_keys of chosen priority-served columns
    # header_keys of the words beside the period (words_beside_period) of headings naming a
    # period to leave out, whatever the period: "Feb-24 BRAG" once "Jan-24 BRAG" was.
    ignored_periods: set[str] = field(default_factory=set)
    modified: set[str] = field(default_factory=set)  # header_keys of a Modified column


def vocabulary(synonyms: Mapping[str, str | Iterable[str]] | None = None) -> Vocabulary:
    """Merge extra `synonyms` ({field: [header, ...]}) with the defaults; extras win where a
    header would mean two things. The keys "status" and "narrative" add month-column words;
    "ignore" lists headings to leave out, "ignore_period" the words beside the period of
    headings naming one to leave out, PRIORITY_SERVED headings of priority columns, and
    "not_field" headings that must not be read as the field they would otherwise be.
    Raises ValueError for a field that does not exist."""
    keys: dict[str, str] = {}
    ignored: set[str] = set()
    served: set[str] = set()
    ignored_periods: set[str] = set()
    for name in FIELDS:
        for word in DEFAULT_SYNONYMS[name]:
            keys.setdefault(header_key(word), name)
    month_words = {kind: list(words) for kind, words in MONTH_WORDS.items()}
    for name, extra in (synonyms or {}).items():
        extra = [extra] if isinstance(extra, str) else list(extra)
        if name in month_words:
            month_words[name] += [_words(word).strip() for word in extra]
        elif name == "ignore":
            ignored |= {header_key(word) for word in extra}
        elif name == "ignore_period":
            ignored_periods |= {key for word in extra if (key := header_key(word))}
        elif name == PRIORITY_SERVED:
            served |= {header_key(word) for word in extra}
        elif name == "not_field":
            for word in extra:
                keys.pop(header_key(word), None)
        elif name in FIELDS:
            keys.update({header_key(word): name for word in extra if header_key(word)})
        else:
            raise ValueError(f"Unknown field {name!r} in synonyms; the fields are {FIELDS}")
    for key in ignored | served:
        keys.pop(key, None)
    # Headings known to hold nothing kept are left out, unless mapped to something.
    mapped = served | {header_key(word) for kind in month_words.values() for word in kind}
    ignored |= {key for word in LEFT_OUT if (key := header_key(word)) not in keys.keys() | mapped}
    return Vocabulary(
        fields=keys,
        month_words=month_words,
        ignored=ignored,
        served=served,
        ignored_periods=ignored_periods,
        modified={header_key(word) for word in MODIFIED},
    )


def is_ref_heading(text: str, vocab: Vocabulary) -> bool:
    """Is `text` a Ref heading, or an ID heading that is the ref when there is no Ref column?"""
    key = header_key(text)
    if key in vocab.fields:
        return vocab.fields[key] == "ref"
    return key in ID_HEADINGS and key not in vocab.ignored


def priority_served(text: str, vocab: Vocabulary) -> str:
    """The plan priority a column of Yes cells is for, or "": the heading after "Council Plan
    Priority 1 -", or the whole heading of a column the administrator chose."""
    if header_key(text) in vocab.served:
        match = _PRIORITY_COLUMN.match(str(text))
        return (match["name"] if match else str(text)).strip()
    match = _PRIORITY_COLUMN.match(str(text or ""))
    return match["name"].strip() if match else ""


def _kind(words: str, vocab: Vocabulary) -> str | None:
    for kind in ("narrative", "status"):
        if any(f" {word} " in words for word in vocab.month_words[kind]):
            return kind
    return None


def _only_kind_words(words: str, vocab: Vocabulary) -> bool:
    """Is `words` nothing but status or narrative words and CURRENT_WORDS?"""
    for phrase in sorted(
        [*vocab.month_words["narrative"], *vocab.month_words["status"]], key=len, reverse=True
    ):
        words = words.replace(f" {phrase} ", "  ")
    return all(word in CURRENT_WORDS for word in words.split())


def column_kind(
    text: str,
    vocab: Vocabulary,
    band: periods.Period | None = None,
    year: int | None = None,
    stored_on: int = periods.LAST_MONTH_OF_QUARTER,
) -> tuple[periods.Period, str | None] | tuple[None, None]:
    """(Period, "status" | "narrative" | None) for a heading that is not a field: the period
    named in the heading, else in the band row above it (`band`), else the current period
    for a heading that is only status or narrative words ("Status", "Latest update"); or
    (None, None) for a heading that is none of these. A quarter without a year is one of
    financial `year`, stored on its month `stored_on`."""
    period = periods.period_in_text(text, year, stored_on)
    without_asides = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", str(text or ""))
    words = _words(without_asides if period is None else text)
    kind = _kind(words, vocab)
    if period is not None:
        return period, kind
    if kind is None:
        return None, None
    if band is not None:
        return band, kind
    if _only_kind_words(words, vocab):
        return periods.CURRENT, kind
    return None, None


def compound_field(text: str, vocab: Vocabulary) -> str | None:
    """The field of a heading made of known headings ("Action / Milestone", "Lead officer &
    Service Team"): the first part's, when every part is a known heading; else None."""
    parts = [part for part in COMPOUND.split(str(text or "")) if header_key(part)]
    if len(parts) < 2:
        return None
    found = [vocab.fields.get(header_key(part)) for part in parts]
    return found[0] if all(found) else None


@dataclass
class MonthColumns:
    """The status and narrative columns of one period."""

    month: datetime.date | None  # the first of the month stored on; None if not yet known
    status: int | None = None  # 0-based column index
    narrative: int | None = None
    period: periods.Period = field(kw_only=True)

    @property
    def first_column(self) -> int:
        """The status column, else the narrative column (a period has one or both)."""
        return cast(int, self.status if self.status is not None else self.narrative)


@dataclass
class Header:
    """What one header row says. Column positions are 0-based indexes into the row."""

    row: int
    texts: list[str]  # the header cells' text
    fields: dict[str, int] = field(default_factory=dict)  # canonical field -> index
    months: list[MonthColumns] = field(default_factory=list)  # in period order
    # (index, text): headers that mean nothing
    unknown: list[tuple[int, str]] = field(default_factory=list)
    # (index, text): chosen to be left out, or known to hold nothing kept (Direction of travel)
    left_out: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, str, int]] = field(default_factory=list)  # (index, text, earlier)
    modified: int | None = None  # the Modified / Last updated column, if any
    # index -> priority name it says Yes for
    priorities: dict[int, str] = field(default_factory=dict)
    width: int = 0  # columns worth reading: up to the last non-empty header cell

    @property
    def recognised(self) -> int:
        return len(self.fields) + sum(
            (m.status is not None) + (m.narrative is not None) for m in self.months
        )

    @property
    def current(self) -> MonthColumns | None:
        """The MonthColumns of a current Status / Latest Update pair, or None."""
        return next((m for m in self.months if m.period.kind == "current"), None)


def _period_order(columns: MonthColumns) -> tuple[bool, datetime.date, str]:
    period = columns.period
    return (period.month is None, period.month or datetime.date.min, period.label)


def _period_left_out(text: str, vocab: Vocabulary) -> bool:
    """Was a heading naming a period in these words chosen to be left out, for any period?"""
    return (
        bool(vocab.ignored_periods)
        and header_key(words_beside_period(text)) in vocab.ignored_periods
        and periods.period_in_text(text) is not None
    )


def read_header(
    row_number: int,
    texts: list[str],
    vocab: Vocabulary,
    above: list[str] | None = None,
    year: int | None = None,
    stored_on: int = periods.LAST_MONTH_OF_QUARTER,
) -> Header:
    """Classify each cell of a candidate header row. The first column with a meaning keeps
    it; later ones go to `duplicates`. With no title column, a description column is the
    title (some plans have only "Action description"). `above` is the text of the row above
    (a band row may name the period of the columns under it); `year` the financial year of
    quarters written without one; `stored_on` the month of its quarter a quarter's update
    is stored on (Plan.quarter_month)."""
    header = Header(row=row_number, texts=texts)
    band = periods.band_periods(above or [], year, stored_on)
    months: dict[datetime.date | str, MonthColumns] = {}
    item_id: int | None = None  # the index of an ID column, the ref unless there is a Ref column
    for index, text in enumerate(texts):
        if not text:
            continue
        header.width = index + 1
        key = header_key(text)
        if key in vocab.ignored or _period_left_out(text, vocab):
            header.left_out.append((index, text))
            continue
        name = vocab.fields.get(key) or compound_field(text, vocab)
        if name:
            if name in header.fields:
                header.duplicates.append((index, text, header.fields[name]))
            else:
                header.fields[name] = index
            continue
        if key in ID_HEADINGS and item_id is None:
            item_id = index
            continue
        if key in vocab.modified and header.modified is None:
            header.modified = index
            continue
        if served := priority_served(text, vocab):
            header.priorities[index] = served
            continue
        banded = band.get(index)
        period, kind = column_kind(text, vocab, banded, year, stored_on)
        if banded is not None and period is banded and kind is not None:
            # A band merged across a pair covers only the pair: a third column under the
            # same band is read on its own heading.
            taken = months.get(banded.key)
            if taken is not None and getattr(taken, kind) is not None:
                period, kind = column_kind(text, vocab, None, year, stored_on)
        if period is None or kind is None:
            header.unknown.append((index, text))
            continue
        columns = months.setdefault(period.key, MonthColumns(period.month, period=period))
        earlier = getattr(columns, kind)
        if earlier is not None:
            header.duplicates.append((index, text, earlier))
        else:
            setattr(columns, kind, index)
    if item_id is not None:
        if "ref" in header.fields:
            header.unknown = sorted([*header.unknown, (item_id, texts[item_id])])
        else:
            header.fields["ref"] = item_id
    if "title" not in header.fields and "description" in header.fields:
        header.fields["title"] = header.fields.pop("description")
    header.months = sorted(months.values(), key=_period_order)
    return header


def find_header(
    rows: Iterable[tuple[int, list[str]]],
    vocab: Vocabulary,
    year: int | None = None,
    stored_on: int = periods.LAST_MONTH_OF_QUARTER,
) -> Header | None:
    """The header among `rows` ([(row number, [cell text, ...]), ...]): the row with a Ref
    column and at least one other recognised column that recognises the most columns (the
    earliest if tied), or None. Title and band rows above it recognise fewer or no Ref."""
    best: Header | None = None
    above = None
    for number, texts in rows:
        if any(is_ref_heading(text, vocab) for text in texts):
            header = read_header(number, texts, vocab, above, year, stored_on)
            if (
                "ref" in header.fields
                and header.recognised >= 2
                and (best is None or header.recognised > best.recognised)
            ):
                best = header
        if any(texts):
            above = texts
    return best


_LABEL_WORDS = (" status ", " rating ", " rag ", " label ")
_DEFINITION_WORDS = (" definition ", " definitions ", " meaning ", " description ")
_LEADERSHIP_WORDS = (" leadership ", " action ", " response ")


@dataclass
class DefinitionsHeader:
    row: int
    label: int
    definition: int
    leadership_action: int | None


def find_definitions_header(rows: Iterable[tuple[int, list[str]]]) -> DefinitionsHeader | None:
    """The header of a status-definitions table among `rows`: a row whose first non-empty
    cell names statuses ("Progress against Plan Status Rating") with a "Definition" column
    after it, and perhaps a "Leadership Team Action" column; otherwise None."""
    for number, texts in rows:
        filled = [(index, _words(text)) for index, text in enumerate(texts) if text]
        if not filled or not any(word in filled[0][1] for word in _LABEL_WORDS):
            continue
        definition = leadership = None
        for index, words in filled[1:]:
            if definition is None and any(word in words for word in _DEFINITION_WORDS):
                definition = index
            elif leadership is None and any(word in words for word in _LEADERSHIP_WORDS):
                leadership = index
        if definition is not None:
            return DefinitionsHeader(number, filled[0][0], definition, leadership)
    return None
