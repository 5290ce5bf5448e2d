"""Reporting periods and committee deadlines. Pure functions, no Django.

Councils report on the financial year, which starts in April: 2023-Q1 is April to June 2023,
2023-Q4 is January to March 2024, 2023-H2 is October 2023 to March 2024, and the year 2023 is
April 2023 to March 2024. A period is named by the calendar year its financial year starts in.
The month and financial-year arithmetic is plans.dates'.
"""

import datetime
import re
from dataclasses import dataclass
from functools import cache

from plans.dates import (
    add_months,
    financial_year,
    months_into_year,
    year_label,
    year_start,
)

QUARTERLY, SIX_MONTHLY, ANNUAL = "quarterly", "six-monthly", "annual"
KINDS = {QUARTERLY: 3, SIX_MONTHLY: 6, ANNUAL: 12}  # kind -> months in a period
_CODE = {
    QUARTERLY: (re.compile(r"^(\d{4})-Q([1-4])$"), "{year}-Q{number}"),
    SIX_MONTHLY: (re.compile(r"^(\d{4})-H([12])$"), "{year}-H{number}"),
    ANNUAL: (re.compile(r"^(\d{4})()$"), "{year}"),
}
_EXAMPLE = {
    QUARTERLY: "2024-Q3 (October to December 2024)",
    SIX_MONTHLY: "2024-H1 (April to September 2024)",
    ANNUAL: "2024 (April 2024 to March 2025)",
}


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    year: int  # the financial year, by the calendar year it starts in
    number: int = 1  # quarter 1-4, half 1-2; always 1 for a year

    @property
    def length(self):
        return KINDS[self.kind]

    @property
    def first_month(self):
        return add_months(year_start(self.year), (self.number - 1) * self.length)

    @property
    def last_month(self):
        """The month whose statuses the report uses."""
        return add_months(self.first_month, self.length - 1)

    @property
    def months(self):
        return [add_months(self.first_month, n) for n in range(self.length)]

    @property
    def code(self):
        """The code the command line uses: "2023-Q3", "2023-H1" or "2023"."""
        return _CODE[self.kind][1].format(year=self.year, number=self.number)

    @property
    def name(self):
        """Its name in a title: "Quarter 3 2023/24", "Half year 1 2023/24" or "2023/24"."""
        if self.kind == QUARTERLY:
            return f"Quarter {self.number} {year_label(self.year)}"
        if self.kind == SIX_MONTHLY:
            return f"Half year {self.number} {year_label(self.year)}"
        return year_label(self.year)

    @property
    def span(self):
        """The months it spans: "October to December 2023" or "October 2023 to March 2024"."""
        first, last = self.first_month, self.last_month
        if first.year == last.year:
            return f"{first:%B} to {last:%B %Y}"
        return f"{first:%B %Y} to {last:%B %Y}"

    @property
    def label(self):
        return f"{self.name} ({self.span})"

    def shift(self, count):
        """The period `count` periods of the same kind later (earlier when negative)."""
        return containing(self.kind, add_months(self.first_month, count * self.length))

    @property
    def previous(self):
        return self.shift(-1)

    def __str__(self):
        return self.code


def containing(kind, month):
    """The period of `kind` that holds `month` (any date in it)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of report: {kind}")
    return Period(kind, financial_year(month), months_into_year(month) // KINDS[kind] + 1)


def parse(kind, text):
    """The period named by `text` for `kind`, e.g. parse("quarterly", "2024-Q3").

    Raises ValueError with a message a person can act on."""
    if kind not in KINDS:
        raise ValueError(f"Choose quarterly, six-monthly or annual, not {kind!r}")
    pattern = _CODE[kind][0]
    match = pattern.match(str(text).strip().upper())
    if not match:
        raise ValueError(f"{kind.capitalize()} periods look like {_EXAMPLE[kind]}, not {text!r}")
    return Period(kind, int(match[1]), int(match[2] or 1))


def latest_ended(kind, today):
    """The most recent period of `kind` that has ended by `today`."""
    return containing(kind, today).previous


def between(first_month, last_month):
    """Every period of every kind that ends within first_month..last_month, newest first."""
    found = []
    for kind in KINDS:
        period = containing(kind, first_month)
        while period.last_month <= last_month:
            if period.last_month >= first_month:
                found.append(period)
            period = period.shift(1)
    return sorted(found, key=lambda p: (p.last_month, -p.length), reverse=True)


# Committee deadlines. The papers for a meeting must be published five clear working days
# before it: the day they are published and the day of the meeting do not count, nor do
# weekends or bank holidays.
CLEAR_DAYS = 5

# England and Wales bank holidays that broke the usual rules (moved or added), from 2020.
_ONE_OFF = {
    2020: ({datetime.date(2020, 5, 8)}, {datetime.date(2020, 5, 4)}),
    2022: (
        {datetime.date(2022, 6, 2), datetime.date(2022, 6, 3), datetime.date(2022, 9, 19)},
        {datetime.date(2022, 5, 30)},
    ),
    2023: ({datetime.date(2023, 5, 8)}, set()),
}


def easter_sunday(year):
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    n = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * n) // 451
    month, day = divmod(h + n - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _monday_on_or_after(day):
    return day + datetime.timedelta((7 - day.weekday()) % 7)


def _weekday_on_or_after(day):
    return day + datetime.timedelta(7 - day.weekday() if day.weekday() >= 5 else 0)


def _last_monday(year, month):
    last = add_months(datetime.date(year, month, 1), 1) - datetime.timedelta(1)
    return last - datetime.timedelta(last.weekday())


@cache
def bank_holidays(year):
    """England and Wales bank holidays in `year`: the regular ones with their substitute days,
    and the one-off changes since 2020 (a new one-off needs adding to _ONE_OFF)."""
    easter = easter_sunday(year)
    days = {
        _weekday_on_or_after(datetime.date(year, 1, 1)),
        easter - datetime.timedelta(2),
        easter + datetime.timedelta(1),
        _monday_on_or_after(datetime.date(year, 5, 1)),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    # Christmas and Boxing Day falling at a weekend move to the next free weekdays.
    for day in (datetime.date(year, 12, 25), datetime.date(year, 12, 26)):
        while day.weekday() >= 5 or day in days:
            day += datetime.timedelta(1)
        days.add(day)
    added, removed = _ONE_OFF.get(year, (set(), set()))
    return frozenset((days | added) - removed)


def is_working_day(day):
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def clear_working_days(published, meeting):
    """Working days strictly between the day of publication and the day of the meeting."""
    count, day = 0, published + datetime.timedelta(1)
    while day < meeting:
        count += is_working_day(day)
        day += datetime.timedelta(1)
    return count


def publication_deadline(meeting):
    """The last working day on which a report can be published and still leave five clear
    working days before `meeting`."""
    day, clear = meeting, 0
    while clear < CLEAR_DAYS:
        day -= datetime.timedelta(1)
        clear += is_working_day(day)
    day -= datetime.timedelta(1)
    while not is_working_day(day):
        day -= datetime.timedelta(1)
    return day
