"""Sheets that are not one row per action, recognised by their header row: an updates sheet
(one row per update, joined to its action by ref), a recommendations plan (numbered
recommendations with lettered proposed actions in one cell), and a sheet of measures in the
measure importer's layout (plans/measures/workbook.py). Pure functions on cell text; the reader reads the rows.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from plans.excel.headers import Vocabulary, header_key
from plans.measures.headings import FIELDS

# An updates sheet: Ref, Month (or Date), Status, Update, Updated by; compared by header_key.
UPDATE_COLUMNS = {
    "month": ["month", "date", "period", "update month", "reporting month", "month of update"]
    + ["update date", "date of update", "date updated", "month reported", "as at"],
    "status": ["status", "rag", "rag status", "rating", "progress", "brag", "progress status"],
    "narrative": ["update", "progress update", "latest update", "commentary", "comments"]
    + ["comment", "narrative", "notes", "progress report", "update text"],
    "updated_by": ["updated by", "author", "submitted by", "update by", "entered by"],
}
_UPDATE_KEYS = {header_key(word): name for name, words in UPDATE_COLUMNS.items() for word in words}

# A recommendations plan: a column numbering the recommendations, one with their text, one
# with the actions proposed; perhaps an area column (else band rows give the area).
NUMBER_WORDS = {"number", "no", "num", "ref", "reference"}
AREA_KEYS = {"area", "relevantarea", "theme", "group"}
# A sheet name that says nothing, so a Source is named after the file instead.
DEFAULT_SHEET_NAME = re.compile(r"^(sheet|table|tabelle|feuil)\s*\d*$", re.IGNORECASE)
# "a. ", "b) " at the start of a line or after a space: a lettered action.
LETTER = re.compile(r"(?<!\S)([a-z])[.)]\s+")
TRAILING_BULLET = re.compile(r"\s+[-•*]\s*$")  # the next list item's bullet


def _words(text: object) -> set[str]:
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", str(text or ""))
    return set(re.findall(r"[^\W_]+", text.casefold()))


@dataclass
class UpdatesHeader:
    row: int
    ref: int
    columns: dict[str, int] = field(default_factory=dict)  # "month" / "status" / ... -> index
    width: int = 0


def find_updates_header(
    rows: Iterable[tuple[int, list[str]]], vocab: Vocabulary
) -> UpdatesHeader | None:
    """The header of an updates sheet among `rows` ([(number, [text, ...])]): a Ref column, a
    Month or Date column and a Status or Update column, and no column for the action itself;
    or None."""
    for number, texts in rows:
        ref = None
        columns: dict[str, int] = {}
        for index, text in enumerate(texts):
            key = header_key(text)
            if not key:
                continue
            if ref is None and vocab.fields.get(key) == "ref":
                ref = index
            elif vocab.fields.get(key) == "title":
                break
            elif (name := _UPDATE_KEYS.get(key)) and name not in columns:
                columns[name] = index
        else:
            if ref is not None and "month" in columns and {"status", "narrative"} & set(columns):
                width = max([ref, *columns.values()]) + 1
                return UpdatesHeader(number, ref, columns, width)
    return None


@dataclass
class RecommendationsHeader:
    row: int
    number: int
    text: int
    actions: int
    area: int | None
    fields: dict[str, int]  # other recognised fields (lead officer, due date...) -> index
    width: int
    texts: list[str]  # the header cells' text


def find_recommendations_header(
    rows: Iterable[tuple[int, list[str]]], vocab: Vocabulary
) -> RecommendationsHeader | None:
    """The header of a recommendations plan among `rows`: "Recommendation number",
    "Recommendation(s)" and "(Proposed) actions" columns, perhaps "Area"; or None."""
    for number, texts in rows:
        found: dict[str, int] = {}
        fields: dict[str, int] = {}
        for index, text in enumerate(texts):
            words = _words(text)
            if not words:
                continue
            recommendation = bool(words & {"recommendation", "recommendations", "rec"})
            if recommendation and words & NUMBER_WORDS and "number" not in found:
                found["number"] = index
            elif recommendation and "text" not in found:
                found["text"] = index
            elif words & {"action", "actions"} and "actions" not in found:
                found["actions"] = index
            elif header_key(text) in AREA_KEYS and "area" not in found:
                found["area"] = index
            elif (name := vocab.fields.get(header_key(text))) and name not in (
                "ref",
                "title",
                "source",
                "theme",
            ):
                fields.setdefault(name, index)
        if {"number", "text", "actions"} <= set(found):
            width = max([*found.values(), *fields.values()]) + 1
            return RecommendationsHeader(
                number,
                found["number"],
                found["text"],
                found["actions"],
                found.get("area"),
                fields,
                width,
                texts,
            )
    return None


def split_lettered(text: str) -> list[tuple[str, str]]:
    """The lettered actions in one cell, [(letter, text)]: "a. Do this. b. Do that" gives
    [("a", "Do this."), ("b", "Do that")]. Letters must run in order from a, so "e.g." or a
    stray "i." inside an action does not split it; a cell without letters is one action,
    lettered ""."""
    marks = []
    expected = "a"
    for match in LETTER.finditer(text):
        if match[1] == expected:
            marks.append(match)
            expected = chr(ord(expected) + 1)
    if not marks:
        return [("", text.strip())] if text.strip() else []
    parts = []
    for index, match in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        body = TRAILING_BULLET.sub("", text[match.end() : end]).strip()
        if body:
            parts.append((match[1], body))
    return parts


def recommendation_number(text: str) -> int | None:
    """The number in "1", "Rec 12" or "R3"; None when there is none."""
    match = re.search(r"\d+", text)
    return int(match[0]) if match and len(match[0]) <= 4 else None


def source_name(sheet: str, file_name: str) -> str:
    """What a recommendations plan's Source is called: its sheet's name, or the file's when
    the sheet's says nothing ("Sheet1")."""
    if DEFAULT_SHEET_NAME.match(sheet.strip()) and file_name:
        return file_name
    return sheet.strip()


def is_measures_header(rows: Iterable[tuple[int, list[str]]]) -> bool:
    """Whether `rows` hold a header in the measure importer's layout (a Measure column)."""
    names = {header_key(word) for word in FIELDS["name"]}
    return any(header_key(text) in names for _, texts in rows for text in texts)
