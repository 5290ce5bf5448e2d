"""Dates as people write them in action plans, and month arithmetic. Pure functions."""

import datetime
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_YEAR = re.compile(rf"^({_MONTH})[\s\-/.,']*(\d{{4}}|\d{{2}})$", re.IGNORECASE)
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_MONTH_NUMBER_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")


def _year(text):
    year = int(text)
    return year + 2000 if year < 100 else year


def parse_fuzzy_date(text):
    """The date a person meant by `text`, or None where no honest date can be derived.

    "Dec-22" and "December 2022" give 2022-12-01 (the month, as the plans use it);
    "11/01/2024" and "2024-01-11" give that day. "Ongoing", "TBC", "Autumn 2022",
    "early 2024" and "quarterly" give None: they name no single date.
    """
    if text is None:
        return None
    if isinstance(text, datetime.datetime):
        return text.date()
    if isinstance(text, datetime.date):
        return text
    text = str(text).strip()
    if match := _MONTH_YEAR.match(text):
        return datetime.date(_year(match[2]), MONTHS[match[1].lower()], 1)
    if match := _ISO.match(text):
        return _safe_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(text):
        # UK order: day, month, year.
        return _safe_date(_year(match[3]), int(match[2]), int(match[1]))
    if match := _MONTH_NUMBER_YEAR.match(text):
        return _safe_date(int(match[2]), int(match[1]), 1)
    return None


def _safe_date(year, month, day):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


# The months the tracker records updates, rounds and figures for: wide enough for any plan,
# narrow enough that a mistyped year ("0001", "9999") is refused rather than becoming "this
# month" or a menu of twelve thousand months.
FIRST_MONTH = datetime.date(2000, 1, 1)
LAST_MONTH = datetime.date(2100, 12, 1)
MONTH_RANGE = f"{FIRST_MONTH:%B %Y} to {LAST_MONTH:%B %Y}"


def in_range(month):
    """Is `month` (a date) within FIRST_MONTH and LAST_MONTH?"""
    return FIRST_MONTH <= first_of_month(month) <= LAST_MONTH


def out_of_range(month):
    """Why `month` cannot be recorded, for a message."""
    return f"{month:%B} {month.year} is outside the months the tracker records ({MONTH_RANGE})"


def checked_month(year, number):
    """The first of month `number` of `year`; ValueError, saying why, when there is no such
    month or it is outside FIRST_MONTH to LAST_MONTH."""
    if FIRST_MONTH.year <= year <= LAST_MONTH.year and 1 <= number <= 12:
        return datetime.date(year, number, 1)
    raise ValueError(f"{number}/{year} is not a month the tracker records ({MONTH_RANGE})")


def first_of_month(day):
    return day.replace(day=1)


def add_months(month, count):
    """The first of the month `count` months after (or before, if negative) `month`."""
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(earlier, later):
    """Whole months from `earlier` to `later` (negative if later is before earlier)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


# Councils report on the financial year, which starts in April: its first quarter is April to
# June, its fourth January to March. A financial year is named by the calendar year it starts in.
FINANCIAL_YEAR_START = 4  # April


def financial_year(month):
    """The calendar year the financial year holding `month` starts in: March 2024 -> 2023."""
    return month.year if month.month >= FINANCIAL_YEAR_START else month.year - 1


def year_label(year):
    """How people write the financial year starting in `year`: "2023/24"."""
    return f"{year}/{(year + 1) % 100:02d}"


def year_start(year):
    """The first month of the financial year starting in `year`."""
    return datetime.date(year, FINANCIAL_YEAR_START, 1)


def months_into_year(month):
    """Whole months from the start of `month`'s financial year to `month`: April 0, March 11."""
    return (month.month - FINANCIAL_YEAR_START) % 12


def quarter(month):
    """The financial quarter (1-4) holding `month`: April to June is 1, January to March 4."""
    return months_into_year(month) // 3 + 1


def _spaced(word):
    # Headers pasted from PDFs or wrapped in narrow cells split words: "Decembe r 2023".
    return r"\s*".join(word)


_MONTH_IN_TEXT = re.compile(
    rf"(?<![a-z])({'|'.join(_spaced(name) for name in sorted(MONTHS, key=len, reverse=True))})"
    r"(?![a-z])[\s\-/.,']*(\d{4}|\d{2})(?!\d)",
    re.IGNORECASE,
)


def month_in_text(text):
    """The first of the month named, with its year, somewhere in `text`; otherwise None.

    Finds the month in column headers however they are written: "Status (January 2024)",
    "Jan-24 Status", "Update (Initial and Date)(Decembe r 2023)". A month without a year
    ("Status (January)") gives None: the year cannot be guessed honestly.
    """
    match = _MONTH_IN_TEXT.search(str(text or ""))
    if not match:
        return None
    name = re.sub(r"\s+", "", match[1]).lower()
    return datetime.date(_year(match[2]), MONTHS[name], 1)


def date_as_shown(value):
    """The text a person sees in a spreadsheet date cell of these plans.

    The first of a month shows as "Dec-22" (the plans' month format), any other day as
    "11/01/2024" (UK order), and a time of day other than midnight is added as "14:30".
    parse_fuzzy_date reads each of the first two back to the same date.
    """
    if isinstance(value, datetime.datetime) and value.time() != datetime.time():
        return value.strftime("%d/%m/%Y %H:%M")
    if value.day == 1:
        return value.strftime("%b-%y")
    return value.strftime("%d/%m/%Y")


# Quarters and financial years as people write them in headings and titles.
_YEAR = r"(?:fy\s*)?(\d{4}|\d{2})(?:\s*[/\-–]\s*(\d{4}|\d{2}))?"
_QUARTER = re.compile(
    r"(?<![a-z0-9])(?:q|qtr|quarter)\s*([1-4])(?![0-9])"
    rf"(?:[\s,.\-–()]*{_YEAR}(?![0-9]))?",
    re.IGNORECASE,
)
_ORDINAL_QUARTER = re.compile(
    r"(?<![a-z0-9])([1-4])(?:st|nd|rd|th)\s+quarter(?![a-z])"
    rf"(?:[\s,.\-–()]*{_YEAR}(?![0-9]))?",
    re.IGNORECASE,
)
# The year first: "2023/24 Q4".
_YEAR_QUARTER = re.compile(
    r"(?<![0-9])(\d{4})\s*[/\-–]\s*(\d{4}|\d{2})[\s,]*(?:q|qtr|quarter)\s*([1-4])(?![0-9])",
    re.IGNORECASE,
)
# A financial year written on its own, as in a title block: "Delivery Plan 2023/24".
_FINANCIAL_YEAR = re.compile(r"(?<![0-9])(\d{4})\s*[/\-–]\s*(\d{4}|\d{2})(?![0-9])")


def financial_year_written(first: str, second: str | None) -> int | None:
    """The year a financial year written `first`/`second` ("2023/24", "23-24", "2023") starts."""
    year = int(first)
    year = year + 2000 if year < 100 else year
    if second is not None:
        end = int(second) % 100
        if end != (year + 1) % 100:
            return None  # "2023/25" is not a financial year
    return year


def quarter_in_text(text: object) -> tuple[int, int | None] | None:
    """(quarter number, financial year or None) named in `text`, or None.

    "Q1 Status" -> (1, None); "Q2 2023/24 RAG" -> (2, 2023); "Quarter 3 2023-24" -> (3, 2023);
    "2nd Quarter" -> (2, None); "2023/24 Q4" -> (4, 2023). A year written alone ("Q1 2024") is taken as the financial
    year starting then. A year that is no financial year ("Q1 2023/25") gives None: the
    quarter cannot be placed honestly.
    """
    text = str(text or "")
    if year_first := _YEAR_QUARTER.search(text):
        number, first, second = int(year_first[3]), year_first[1], year_first[2]
    elif match := _QUARTER.search(text) or _ORDINAL_QUARTER.search(text):
        number, first, second = int(match[1]), match[2], match[3]
    else:
        return None
    if first is None:
        return number, None
    year = financial_year_written(first, second)
    return None if year is None else (number, year)


def financial_year_in_text(text: object) -> int | None:
    """The year the financial year written in `text` starts ("Delivery Plan 2023/24" ->
    2023), or None."""
    for match in _FINANCIAL_YEAR.finditer(str(text or "")):
        year = financial_year_written(match[1], match[2])
        if year is not None:
            return year
    return None
