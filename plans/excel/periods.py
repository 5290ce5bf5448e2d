"""Which period a status or narrative column is for, as councils write it: a month named in
the heading ("Status (January 2024)"), a quarter ("Q1 Status", "Q2 2023/24 RAG", "Quarter 3
2023/24 Status"), a month or quarter in a band row above the heading (a date cell, "December
2023"), or no period at all: one current Status and Latest Update whose month comes from a
Modified column or from the administrator. Pure functions on cell text and values.

A quarter is a quarter of the financial year (Q1 is April to June). Updates are kept by
month, so a quarter's update is stored on one month of the quarter: its last unless the plan
says otherwise (Plan.quarter_month, given here as `stored_on`, 1 to 3).
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from plans import dates
from plans.models import Plan


@dataclass(frozen=True)
class Period:
    """The period a column is for. `month` is the month its updates are stored on (the first
    of the month); None for a current column, whose month comes from each row."""

    kind: str  # "month", "quarter" or "current"
    month: datetime.date | None
    label: str  # as people say it: "January 2024", "Q1 2023/24", "current"

    @property
    def key(self) -> datetime.date | str:
        return self.month or self.label


CURRENT = Period("current", None, "current")


def month_period(month: datetime.date) -> Period:
    return Period("month", month, f"{month:%B %Y}")


LAST_MONTH_OF_QUARTER = 3


def quarter_period(number: int, year: int, stored_on: int = LAST_MONTH_OF_QUARTER) -> Period:
    """Quarter `number` (1-4) of the financial year starting in `year`, stored on month
    `stored_on` (1-3) of the quarter: by default its last, so Q1 2023/24 is stored on June
    2023 (on April 2023 with `stored_on` 1)."""
    month = dates.add_months(dates.year_start(year), 3 * (number - 1) + stored_on - 1)
    return Period("quarter", month, f"Q{number} {dates.year_label(year)}")


def period_in_text(
    text: str, year: int | None = None, stored_on: int = LAST_MONTH_OF_QUARTER
) -> Period | None:
    """The Period a heading or band cell names, or None. A month must come with its year; a
    quarter without one is a quarter of `year` (a financial year's first calendar year) and,
    with `year` None, is given as a quarter period whose month is None (to be asked). A
    quarter is stored on its month `stored_on` (quarter_period)."""
    month = dates.month_in_text(text) or _whole_date(text)
    if month is not None:
        return month_period(dates.first_of_month(month))
    found = dates.quarter_in_text(text)
    if found is None:
        return None
    number, written = found
    start = written if written is not None else year
    if start is None:
        return Period("quarter", None, f"Q{number}")
    return quarter_period(number, start, stored_on)


def _whole_date(text: str) -> datetime.date | None:
    """A date written as the whole of `text` ("15/12/2023", "2023-12-15"), or None."""
    return dates.parse_fuzzy_date(text) if text and re.match(r"^[\d/.\-: ]+$", text) else None


def band_periods(
    texts: Iterable[str], year: int | None = None, stored_on: int = LAST_MONTH_OF_QUARTER
) -> dict[int, Period]:
    """{column index: Period} from a band row above a header: each period written in the row
    stands for the columns under it, up to the next non-empty cell (a cell merged across a
    Status/Update pair reads as its first cell, the rest blank)."""
    found: dict[int, Period] = {}
    current = None
    for index, text in enumerate(texts):
        if text:
            current = period_in_text(text, year, stored_on)
        if current is not None:
            found[index] = current
    return found


def month_of_value(value: object) -> datetime.date | None:
    """The month a Modified / Last updated cell names: a date cell or a date as text, or None."""
    if isinstance(value, datetime.datetime | datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return dates.first_of_month(day)
    text = str(value or "").strip()
    day = dates.parse_fuzzy_date(text) or dates.parse_fuzzy_date(text.split(" ")[0])
    return dates.first_of_month(day) if day else None


def plan_year(plan: Plan | None) -> int | None:
    """The financial year a plan's quarters without a year belong to: the year its start
    falls in, or None when the plan has no start date."""
    return dates.financial_year(plan.start) if plan is not None and plan.start else None


def plan_quarter_month(plan: Plan | None) -> int:
    """The month of its quarter (1 to 3) a quarter's update is stored on in `plan`: its
    last unless the plan says otherwise; the last for a plan the import creates."""
    return plan.quarter_month if plan is not None else LAST_MONTH_OF_QUARTER


def parse_month(text: object) -> datetime.date:
    """ "2024-01" (or "January 2024") as the first of that month; ValueError saying why."""
    text = str(text or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match:
        return dates.checked_month(int(match[1]), int(match[2]))
    month = dates.month_in_text(text)
    if month is None:
        raise ValueError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2024-01")
    return dates.checked_month(month.year, month.month)


def parse_year(text: object) -> int:
    """ "2023/24" (or "2023") as the year that financial year starts in; ValueError saying why."""
    text = str(text or "").strip()
    match = re.fullmatch(r"(?:fy\s*)?(\d{4})(?:\s*[/\-]\s*(\d{4}|\d{2}))?", text, re.IGNORECASE)
    year = dates.financial_year_written(match[1], match[2]) if match else None
    if year is None or not dates.FIRST_MONTH.year <= year < dates.LAST_MONTH.year:
        raise ValueError(f"{text!r} is not a financial year: write it as 2023/24")
    return year
