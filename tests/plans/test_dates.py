"""Dates as people write them in plans, as spreadsheets show them, and month arithmetic."""

import datetime

import pytest

from plans import dates

D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dec-22", D(2022, 12, 1)),
        ("December 2022", D(2022, 12, 1)),
        ("June 2023", D(2023, 6, 1)),
        ("Sept-23", D(2023, 9, 1)),
        (" mar 2024 ", D(2024, 3, 1)),
        ("11/01/2024", D(2024, 1, 11)),
        ("11.01.24", D(2024, 1, 11)),
        ("2024-01-11", D(2024, 1, 11)),
        ("2024-01-11 00:00:00", D(2024, 1, 11)),
        ("03/2024", D(2024, 3, 1)),
        (datetime.datetime(2024, 1, 11, 9, 30), D(2024, 1, 11)),
        (D(2024, 1, 11), D(2024, 1, 11)),
        ("Ongoing", None),
        ("TBC", None),
        ("Autumn 2022", None),
        ("early 2024", None),
        ("quarterly (May, Aug, Nov, Feb)", None),
        ("31/02/2024", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_fuzzy_date(text, expected):
    assert dates.parse_fuzzy_date(text) == expected


@pytest.mark.parametrize(
    ("month", "count", "expected"),
    [
        (D(2023, 12, 1), 1, D(2024, 1, 1)),
        (D(2024, 1, 1), -1, D(2023, 12, 1)),
        (D(2024, 3, 1), 24, D(2026, 3, 1)),
        (D(2024, 3, 1), 0, D(2024, 3, 1)),
    ],
)
def test_add_months(month, count, expected):
    assert dates.add_months(month, count) == expected


def test_months_between():
    assert dates.months_between(D(2023, 11, 30), D(2024, 2, 1)) == 3
    assert dates.months_between(D(2024, 2, 1), D(2023, 11, 30)) == -3
    assert dates.months_between(D(2024, 2, 1), D(2024, 2, 29)) == 0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Status (January 2024)", D(2024, 1, 1)),
        ("Update (Initial and Date) (January 2024)", D(2024, 1, 1)),
        ("Update (Initial and Date)(Decembe r 2023)", D(2023, 12, 1)),
        ("Status (Decembe r 2023)", D(2023, 12, 1)),
        ("Jan-24 Status", D(2024, 1, 1)),
        ("January 2024 status", D(2024, 1, 1)),
        ("Progress Jan 2024", D(2024, 1, 1)),
        ("RAG Jan-24", D(2024, 1, 1)),
        ("Rating (Sept '23)", D(2023, 9, 1)),
        ("Status (January)", None),
        ("Summary 2024", None),
        ("Due date", None),
        ("Decision 2024", None),
        (None, None),
    ],
)
def test_month_in_text(header, expected):
    assert dates.month_in_text(header) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime.datetime(2022, 12, 1), "Dec-22"),
        (D(2024, 3, 1), "Mar-24"),
        (datetime.datetime(2024, 1, 11), "11/01/2024"),
        (datetime.datetime(2024, 1, 11, 14, 30), "11/01/2024 14:30"),
    ],
)
def test_date_as_shown(value, shown):
    assert dates.date_as_shown(value) == shown


@pytest.mark.parametrize("day", [D(2022, 12, 1), D(2024, 1, 11), D(2024, 2, 29)])
def test_date_as_shown_reads_back_as_the_same_date(day):
    assert dates.parse_fuzzy_date(dates.date_as_shown(day)) == day


@pytest.mark.parametrize(
    ("month", "year", "label", "quarter"),
    [
        (D(2023, 4, 1), 2023, "2023/24", 1),
        (D(2023, 6, 30), 2023, "2023/24", 1),
        (D(2023, 12, 1), 2023, "2023/24", 3),
        (D(2024, 3, 1), 2023, "2023/24", 4),
        (D(1999, 5, 1), 1999, "1999/00", 1),
    ],
)
def test_the_financial_year_starts_in_april(month, year, label, quarter):
    assert dates.financial_year(month) == year
    assert dates.year_label(dates.financial_year(month)) == label
    assert dates.quarter(month) == quarter
    assert dates.year_start(year) == D(year, 4, 1)
