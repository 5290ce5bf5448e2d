"""Measures (KPIs): rating a value against its target, the periods values are reported for, and
how values read. Pure functions, no database.

A measure is reported monthly or quarterly. Quarters are the financial year's, which starts in
April: Q1 2023/24 is April to June 2023 and Q4 2023/24 is January to March 2024, as in the
committee reports. A period is stored as its first month.
"""

import re
from decimal import Decimal, InvalidOperation

from plans import dates

HIGHER = "higher"
LOWER = "lower"
MONTHLY = "monthly"
QUARTERLY = "quarterly"


def rate(value, target, *, direction, tolerance=None):
    """ "green", "amber" or "red" for `value` against `target`, or None when either is missing.

    Meeting the target, exactly or better in the measure's `direction` ("higher" or "lower" is
    better), is green. Falling short by no more than `tolerance` (a fraction of the target,
    e.g. Decimal("0.05") for within 5%) is amber; further is red. Without a tolerance there is
    no amber. A target of zero has no room for tolerance: anything worse than it is red.
    """
    if direction not in (HIGHER, LOWER):
        raise ValueError(f"direction must be {HIGHER!r} or {LOWER!r}, not {direction!r}")
    if value is None or target is None:
        return None
    value, target = Decimal(value), Decimal(target)
    shortfall = target - value if direction == HIGHER else value - target
    if shortfall <= 0:
        return "green"
    if tolerance is not None and shortfall <= abs(target) * Decimal(tolerance):
        return "amber"
    return "red"


def _check(frequency):
    if frequency not in (MONTHLY, QUARTERLY):
        raise ValueError(f"frequency must be {MONTHLY!r} or {QUARTERLY!r}, not {frequency!r}")


def period_start(day, frequency):
    """The first month of the `frequency` period holding `day` (any date)."""
    _check(frequency)
    month = dates.first_of_month(day)
    if frequency == MONTHLY:
        return month
    return dates.add_months(month, -(dates.months_into_year(month) % 3))


def period_end(start, frequency):
    """The last month of the period starting in `start`."""
    _check(frequency)
    return start if frequency == MONTHLY else dates.add_months(start, 2)


def next_period(start, frequency, count=1):
    """The period `count` periods after the one starting in `start` (before, if negative)."""
    _check(frequency)
    return dates.add_months(start, count * (1 if frequency == MONTHLY else 3))


def is_period_start(month, frequency):
    return month.day == 1 and period_start(month, frequency) == month


def latest_complete(month, frequency):
    """The latest period whose last month is `month` or earlier: what an update round for
    `month` asks of a measure. A quarterly measure reports its quarter in the round for the
    quarter's last month, and until then the quarter before stays the one asked for."""
    start = period_start(month, frequency)
    if period_end(start, frequency) == dates.first_of_month(month):
        return start
    return next_period(start, frequency, -1)


def period_label(start, frequency, *, long=False):
    """How people name the period: "January 2024", or "Q4 2023/24" for a quarter (with `long`,
    "Quarter 4 2023/24 (January to March 2024)")."""
    if frequency == MONTHLY:
        return f"{start:%B %Y}"
    number, year = dates.quarter(start), dates.year_label(dates.financial_year(start))
    if not long:
        return f"Q{number} {year}"
    end = period_end(start, frequency)
    return f"Quarter {number} {year} ({start:%B} to {end:%B %Y})"


def period_short(start, frequency):
    """A short label for chart axes: "Jan 2024" or "Q4 23/24"."""
    if frequency == MONTHLY:
        return f"{start:%b %Y}"
    return f"Q{dates.quarter(start)} {dates.year_label(dates.financial_year(start))[2:]}"


def quarter_in_text(text):
    """The first month of the financial quarter named with its year in `text` ("Q1 2024/25",
    "Quarter 3 2023-24"), or None: dates.quarter_in_text, which says how quarters are written."""
    found = dates.quarter_in_text(text)
    if found is None or found[1] is None:
        return None
    number, year = found
    return dates.add_months(dates.year_start(year), 3 * (number - 1))


def period_in_text(text):
    """(frequency, first month) of the period a column heading names, or (None, None):
    a financial quarter ("Q1 2024/25") or a month with its year ("Apr-24", "April 2024")."""
    if (start := quarter_in_text(text)) is not None:
        return QUARTERLY, start
    if (month := dates.month_in_text(text)) is not None:
        return MONTHLY, month
    return None, None


def parse_number(text):
    """The number in a cell as people type figures: "85.5", "85.5%", "£1,200", "2.1 days",
    "(300)" or "-300". None for a blank; ValueError for anything that is not a number."""
    text = str(text or "").strip()
    if not text:
        return None
    cleaned = re.sub(r"(?i)\s*(%|days?|£|gbp)\s*", "", text).replace(",", "").strip()
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    try:
        number = Decimal(cleaned.strip("()"))
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number") from None
    if not number.is_finite():
        raise ValueError(f"“{text}” is not a number")
    return -number if negative else number


def plain(value):
    """The number alone, as typed back into a form: "85.5" for Decimal("85.5000")."""
    number = Decimal(value)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return f"{number.normalize():f}"


UNIT_SUFFIX = {"percentage": "%", "days": " days"}


def format_value(value, unit):
    """A value as people read it: "85.5%", "£1,200", "2.1 days", "1,234". Trailing zeros go;
    None reads as an empty string."""
    if value is None:
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    text = f"{abs(number):,f}"
    sign = "-" if number < 0 else ""
    if unit == "currency":
        return f"{sign}£{text}"
    if unit == "days" and abs(number) == 1:
        return f"{sign}{text} day"
    return f"{sign}{text}{UNIT_SUFFIX.get(unit, '')}"
