"""Recognising the header row of an action plan sheet: which column holds which field,
and which columns hold each month's status and update. Pure functions on cell text."""

import re
from dataclasses import dataclass, field

from plans import dates

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
    "title": ["action", "actions", "key action", "key actions", "milestone", "task", "title"],
    "description": ["description", "action description", "details", "action details"],
    "theme": ["theme", "theme name", "corporate theme"],
    "workstream": ["workstream", "workstreams", "programme", "sub theme"],
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
    "other_leads": ["other leads", "other lead", "supporting leads", "team"],
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

# Words that make a header with a month in it a status or a narrative column. Checked
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
    "status": ["status", "rag", "rating", "progress"],
}

HEADER_ROWS = 20  # the header must be within this many rows of the top
HEADER_COLUMNS = 500  # and within this many columns of the left


def header_key(text):
    """`text` as headers are compared: lower case, bracketed asides such as "(if different)"
    dropped, and only letters and digits kept ("Update Owner (if different)" -> "updateowner")."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", str(text or ""))
    return re.sub(r"[\W_]+", "", text.casefold())


def _words(text):
    return " " + " ".join(re.findall(r"[^\W_]+", str(text or "").casefold())) + " "


@dataclass
class Vocabulary:
    """The header words in force for one read: the defaults plus any the caller added."""

    fields: dict  # header_key -> canonical field
    month_words: dict  # "status" / "narrative" -> list of words or phrases
    ignored: set = field(default_factory=set)  # header_keys of columns to leave out
    served: set = field(default_factory=set)  # header_keys of chosen priority-served columns


def vocabulary(synonyms=None):
    """Merge extra `synonyms` ({field: [header, ...]}) with the defaults; extras win where a
    header would mean two things. The keys "status" and "narrative" add month-column words;
    "ignore" lists headings to leave out, PRIORITY_SERVED headings of priority columns, and
    "not_field" headings that must not be read as the field they would otherwise be.
    Raises ValueError for a field that does not exist."""
    keys, ignored, served = {}, set(), set()
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
    return Vocabulary(fields=keys, month_words=month_words, ignored=ignored, served=served)


def priority_served(text, vocab):
    """The plan priority a column of Yes cells is for, or "": the heading after "Council Plan
    Priority 1 -", or the whole heading of a column the administrator chose."""
    if header_key(text) in vocab.served:
        match = _PRIORITY_COLUMN.match(str(text))
        return (match["name"] if match else str(text)).strip()
    match = _PRIORITY_COLUMN.match(str(text or ""))
    return match["name"].strip() if match else ""


def month_column(text, vocab):
    """(month, "status" | "narrative" | None) for a header naming a month with its year,
    or (None, None) for any other header."""
    month = dates.month_in_text(text)
    if month is None:
        return None, None
    words = _words(text)
    for kind in ("narrative", "status"):
        if any(f" {word} " in words for word in vocab.month_words[kind]):
            return month, kind
    return month, None


@dataclass
class MonthColumns:
    month: object  # datetime.date, the first of the month
    status: int | None = None  # 0-based column index
    narrative: int | None = None


@dataclass
class Header:
    """What one header row says. Column positions are 0-based indexes into the row."""

    row: int
    texts: list  # the header cells' text
    fields: dict = field(default_factory=dict)  # canonical field -> index
    months: list = field(default_factory=list)  # MonthColumns, in month order
    unknown: list = field(default_factory=list)  # (index, text): headers that mean nothing
    duplicates: list = field(default_factory=list)  # (index, text, earlier index)
    left_out: list = field(default_factory=list)  # (index, text): chosen to be left out
    priorities: dict = field(default_factory=dict)  # index -> priority name it says Yes for
    width: int = 0  # columns worth reading: up to the last non-empty header cell

    @property
    def recognised(self):
        return len(self.fields) + sum(
            (m.status is not None) + (m.narrative is not None) for m in self.months
        )


def read_header(row_number, texts, vocab):
    """Classify each cell of a candidate header row. The first column with a meaning keeps
    it; later ones go to `duplicates`. With no title column, a description column is the
    title (some plans have only "Action description")."""
    header = Header(row=row_number, texts=texts)
    months = {}
    for index, text in enumerate(texts):
        if not text:
            continue
        header.width = index + 1
        if header_key(text) in vocab.ignored:
            header.left_out.append((index, text))
            continue
        name = vocab.fields.get(header_key(text))
        if name:
            if name in header.fields:
                header.duplicates.append((index, text, header.fields[name]))
            else:
                header.fields[name] = index
            continue
        if served := priority_served(text, vocab):
            header.priorities[index] = served
            continue
        month, kind = month_column(text, vocab)
        if kind is None:
            header.unknown.append((index, text))
            continue
        columns = months.setdefault(month, MonthColumns(month))
        earlier = getattr(columns, kind)
        if earlier is not None:
            header.duplicates.append((index, text, earlier))
        else:
            setattr(columns, kind, index)
    if "title" not in header.fields and "description" in header.fields:
        header.fields["title"] = header.fields.pop("description")
    header.months = [months[month] for month in sorted(months)]
    return header


def find_header(rows, vocab):
    """The header among `rows` ([(row number, [cell text, ...]), ...]): the row with a Ref
    column and at least one other recognised column that recognises the most columns (the
    earliest if tied), or None. Title and band rows above it recognise fewer or no Ref."""
    best = None
    for number, texts in rows:
        if not any(vocab.fields.get(header_key(text)) == "ref" for text in texts):
            continue
        header = read_header(number, texts, vocab)
        if header.recognised >= 2 and (best is None or header.recognised > best.recognised):
            best = header
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


def find_definitions_header(rows):
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
