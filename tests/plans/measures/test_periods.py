"""The periods measures are reported for, across month, quarter and financial-year ends, and how
figures are read from workbooks and shown."""

import datetime
from decimal import Decimal

import pytest

from plans.measures.rating import (
    MONTHLY,
    QUARTERLY,
    format_value,
    latest_complete,
    next_period,
    parse_number,
    period_end,
    period_in_text,
    period_label,
    period_start,
)
from plans.models import Measure


def d(text):
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        ("2024-04-01", "2024-04-01"),  # the financial year's first day
        ("2024-06-30", "2024-04-01"),
        ("2024-07-01", "2024-07-01"),
        ("2024-12-31", "2024-10-01"),
        ("2025-01-01", "2025-01-01"),  # over the calendar year end, still 2024/25
        ("2025-03-31", "2025-01-01"),
    ],
)
def test_quarters_follow_the_financial_year(day, quarter):
    assert period_start(d(day), QUARTERLY) == d(quarter)
    assert period_start(d(day), MONTHLY) == d(day).replace(day=1)


def test_period_ends_and_steps():
    assert period_end(d("2025-01-01"), QUARTERLY) == d("2025-03-01")
    assert period_end(d("2025-01-01"), MONTHLY) == d("2025-01-01")
    assert next_period(d("2025-01-01"), QUARTERLY) == d("2025-04-01")
    assert next_period(d("2024-04-01"), QUARTERLY, -1) == d("2024-01-01")
    assert next_period(d("2024-12-01"), MONTHLY) == d("2025-01-01")


@pytest.mark.parametrize(
    ("round_month", "asked"),
    [
        ("2024-01-01", "2023-10-01"),  # January's round: October to December is the last whole
        ("2024-02-01", "2023-10-01"),
        ("2024-03-01", "2024-01-01"),  # March's round: the quarter ending in March
        ("2024-04-01", "2024-01-01"),
        ("2024-06-01", "2024-04-01"),
    ],
)
def test_a_round_asks_quarterly_measures_for_the_last_complete_quarter(round_month, asked):
    assert latest_complete(d(round_month), QUARTERLY) == d(asked)
    assert latest_complete(d(round_month), MONTHLY) == d(round_month)


def test_period_labels():
    assert period_label(d("2024-01-01"), MONTHLY) == "January 2024"
    assert period_label(d("2024-01-01"), QUARTERLY) == "Q4 2023/24"
    assert (
        period_label(d("2023-10-01"), QUARTERLY, long=True)
        == "Quarter 3 2023/24 (October to December 2023)"
    )
    assert period_label(d("2099-04-01"), QUARTERLY) == "Q1 2099/00"


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Q1 2024/25", (QUARTERLY, "2024-04-01")),
        ("Target Q4 2023/24", (QUARTERLY, "2024-01-01")),
        ("Quarter 3 2023-24 commentary", (QUARTERLY, "2023-10-01")),
        ("2023/2024 Q2", (QUARTERLY, "2023-07-01")),
        ("Apr-24", (MONTHLY, "2024-04-01")),
        ("Target January 2024", (MONTHLY, "2024-01-01")),
        ("Q1 2023/25", (None, None)),  # the years do not follow on
        ("Baseline", (None, None)),
    ],
)
def test_period_headings(heading, expected):
    frequency, start = period_in_text(heading)
    assert (frequency, start and start.isoformat()) == expected


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("85.5", "85.5"),
        ("85.5%", "85.5"),
        ("£1,200", "1200"),
        ("2.1 days", "2.1"),
        ("(300)", "-300"),
        ("-0.5", "-0.5"),
        ("", None),
    ],
)
def test_figures_as_people_type_them(text, number):
    assert parse_number(text) == (Decimal(number) if number else None)


@pytest.mark.parametrize("text", ["n/a", "TBC", "12 apples", "NaN", "Infinity"])
def test_words_are_not_figures(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_number(text)


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        ("85.5000", "percentage", "85.5%"),
        ("1200.0000", "currency", "£1,200"),
        ("-1200.5", "currency", "-£1,200.5"),
        ("2.1000", "days", "2.1 days"),
        ("1", "days", "1 day"),
        ("1234567", "number", "1,234,567"),
        ("0", "number", "0"),
        (None, "number", ""),
    ],
)
def test_values_as_people_read_them(value, unit, shown):
    assert format_value(Decimal(value) if value else None, unit) == shown


@pytest.mark.parametrize(
    ("value", "tolerance", "expected"),
    [("96", "5", "amber"), ("94", "5", "red"), ("96", None, "red"), ("100", None, "green")],
)
def test_a_measure_rates_with_its_tolerance_as_a_percentage(value, tolerance, expected):
    measure = Measure(
        direction="higher", tolerance=Decimal(tolerance) if tolerance else None, unit="percentage"
    )
    assert measure.rate(Decimal(value), Decimal("100")) == expected
    assert measure.rate(Decimal(value), None) is None
