"""The forms an action plan arrives in besides a workbook saved from Excel: a CSV file (what
SharePoint's "Export to CSV" gives), and rich-text cells exported as HTML (what SharePoint's
"Export to Excel" writes for a multi-line text column).

A CSV file is read as a workbook of one sheet, named after the file, through the same
interface the reader uses on openpyxl's read-only sheets; so every rule of the reader applies
to it unchanged. Rich text becomes plain text: its paragraphs and bullet lines kept, never
its markup.
"""

import csv
import io
import re
from collections.abc import Generator
from html.parser import HTMLParser
from pathlib import PurePath
from typing import IO

from django.conf import settings

from plans.excel.errors import ImportFileError

CSV_SUFFIX = ".csv"
# A cell is rich text when it opens with a tag that rich-text editors write.
HTML_START = re.compile(
    r"\s*<(div|p|br|ul|ol|li|span|strong|b|i|em|u|font|table|h[1-6])\b[^>]*>", re.IGNORECASE
)
BLOCK_TAGS = {"p", "div", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
CELL_TAGS = {"td", "th"}
SNIFF_BYTES = 64 * 1024


def is_csv(name: object) -> bool:
    """Whether a file called `name` is a CSV file, by its name (the only sure sign)."""
    return PurePath(str(name or "")).suffix.lower() == CSV_SUFFIX


def sheet_name_for(name: object) -> str:
    """The sheet name a CSV file's rows are reported under: its file name without ".csv"."""
    return PurePath(str(name or "")).stem[:31] or "CSV"


# Rich text.


def is_html(text: str) -> bool:
    return bool(HTML_START.match(text))


class _PlainText(HTMLParser):
    """Collects the text of an HTML fragment as lines: a paragraph or block ends its line and
    leaves a blank line after it, a list item is a line of its own starting "- " (or its
    number, in a numbered list), <br> breaks the line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [""]
        self.lists: list[
            int | None
        ] = []  # for each open list, its next number, or None when bulleted

    def newline(self, blank: bool = False) -> None:
        if self.lines[-1].strip():
            self.lines.append("")
        if blank and len(self.lines) > 1 and self.lines[-2] != "":
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            if self.lines[-1].strip():
                self.lines.append("")
        elif tag in ("ul", "ol"):
            self.newline(blank=not self.lists)
            self.lists.append(1 if tag == "ol" else None)
        elif tag == "li":
            self.newline()
            number = self.lists[-1] if self.lists else None
            if number is None:
                self.lines[-1] = "- "
            else:
                self.lines[-1] = f"{number}. "
                self.lists[-1] = number + 1
        elif tag in BLOCK_TAGS:
            self.newline(blank=not self.lists)
        elif tag in CELL_TAGS and self.lines[-1].strip():
            self.lines[-1] += " | "

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.newline(blank=not self.lists)
        elif tag == "li":
            self.newline()
        elif tag in BLOCK_TAGS:
            self.newline(blank=not self.lists)

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", " ", data.replace("\xa0", " ").replace("\u200b", ""))
        if not self.lines[-1] or self.lines[-1].endswith((" ", "- ")):
            text = text.lstrip()
        self.lines[-1] += text

    def text(self) -> str:
        lines = [line.rstrip() for line in self.lines]
        text = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_text(text: str) -> str:
    """The plain text of the rich-text cell `text` (paragraphs apart by a blank line, a line
    for each list item, entities decoded); `text` unchanged when it is not HTML."""
    if not is_html(text):
        return text
    parser = _PlainText()
    parser.feed(text)
    parser.close()
    return parser.text()


# CSV files.


class CsvSheet:
    """A CSV file's rows, looking to the reader like a read-only openpyxl worksheet."""

    sheet_state = "visible"

    def __init__(self, title: str, text: str, dialect: type[csv.Dialect]) -> None:
        self.title = title
        self.text = text
        self.dialect = dialect

    def reset_dimensions(self) -> None:
        pass

    def iter_rows(
        self,
        *,
        values_only: bool = True,
        min_row: int = 1,
        max_row: int | None = None,
        max_col: int | None = None,
    ) -> Generator[tuple[str | None, ...], None, None]:
        rows = csv.reader(io.StringIO(self.text, newline=""), self.dialect)
        try:
            for number, row in enumerate(rows, start=1):
                if max_row is not None and number > max_row:
                    return
                if number < min_row:
                    continue
                cells: list[str | None] = list(row)
                if max_col is not None:
                    cells = cells[:max_col] + [None] * (max_col - len(cells))
                yield tuple(value if value != "" else None for value in cells)
        except csv.Error as error:
            raise ImportFileError(
                f"Line {rows.line_num} of the CSV file cannot be read ({error}). Open it in "
                "Excel, save it again as CSV UTF-8 or as .xlsx and try again."
            ) from error


class CsvBook:
    """A CSV file as a workbook of one sheet."""

    def __init__(self, sheet: CsvSheet) -> None:
        self.sheet = sheet
        self.sheetnames = [sheet.title]

    def __getitem__(self, name: str) -> CsvSheet:
        return self.sheet

    @property
    def worksheets(self) -> list[CsvSheet]:
        return [self.sheet]

    def close(self) -> None:
        pass


def open_csv(file: IO[bytes], name: object) -> CsvBook:
    """The CSV file `file` (binary, at position 0) as a CsvBook. UTF-8 (with or without the
    byte-order mark SharePoint and Excel write) or, failing that, Windows-1252 (Excel's
    "CSV (Comma delimited)"); commas, semicolons or tabs between cells."""

    data = file.read()
    file.seek(0)
    if b"\x00" in data[:SNIFF_BYTES]:
        raise ImportFileError(
            "This file is not a CSV text file (it holds binary data). Save it from Excel as "
            "CSV UTF-8, or as .xlsx, and try again."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:SNIFF_BYTES], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # The reader refuses over-long cells itself; csv's own default limit is far lower.
    csv.field_size_limit(max(csv.field_size_limit(), settings.IMPORT_MAX_CELL_CHARS))
    return CsvBook(CsvSheet(sheet_name_for(name), text, dialect))
