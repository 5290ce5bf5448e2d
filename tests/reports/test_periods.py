import datetime

import pytest

from reports import periods
from reports.periods import ANNUAL, QUARTERLY, SIX_MONTHLY, Period

D = datetime.date


@pytest.mark.parametrize(
    ("kind", "code", "first", "last", "label"),
    [
        (
            QUARTERLY,
            "2023-Q1",
            D(2023, 4, 1),
            D(2023, 6, 1),
            "Quarter 1 2023/24 (April to June 2023)",
        ),
        (
            QUARTERLY,
            "2023-Q3",
            D(2023, 10, 1),
            D(2023, 12, 1),
            "Quarter 3 2023/24 (October to December 2023)",
        ),
        (
            QUARTERLY,
            "2023-Q4",
            D(2024, 1, 1),
            D(2024, 3, 1),
            "Quarter 4 2023/24 (January to March 2024)",
        ),
        (
            SIX_MONTHLY,
            "2023-H1",
            D(2023, 4, 1),
            D(2023, 9, 1),
            "Half year 1 2023/24 (April to September 2023)",
        ),
        (
            SIX_MONTHLY,
            "2023-H2",
            D(2023, 10, 1),
            D(2024, 3, 1),
            "Half year 2 2023/24 (October 2023 to March 2024)",
        ),
        (ANNUAL, "2023", D(2023, 4, 1), D(2024, 3, 1), "2023/24 (April 2023 to March 2024)"),
        (ANNUAL, "1999", D(1999, 4, 1), D(2000, 3, 1), "1999/00 (April 1999 to March 2000)"),
    ],
)
def test_periods_follow_the_financial_year(kind, code, first, last, label):
    period = periods.parse(kind, code)
    assert (period.first_month, period.last_month, period.label) == (first, last, label)
    assert period.code == code
    assert len(period.months) == periods.KINDS[kind]


@pytest.mark.parametrize(
    ("kind", "month", "code"),
    [
        (QUARTERLY, D(2024, 3, 31), "2023-Q4"),  # the last day of the financial year
        (QUARTERLY, D(2024, 4, 1), "2024-Q1"),  # the first day of the next
        (QUARTERLY, D(2023, 12, 31), "2023-Q3"),  # a calendar year end inside a quarter
        (QUARTERLY, D(2024, 1, 1), "2023-Q4"),
        (SIX_MONTHLY, D(2023, 9, 30), "2023-H1"),
        (SIX_MONTHLY, D(2023, 10, 1), "2023-H2"),
        (SIX_MONTHLY, D(2024, 2, 29), "2023-H2"),
        (ANNUAL, D(2024, 3, 31), "2023"),
        (ANNUAL, D(2024, 4, 1), "2024"),
    ],
)
def test_the_period_containing_a_day(kind, month, code):
    assert periods.containing(kind, month).code == code


@pytest.mark.parametrize(
    ("kind", "code", "previous"),
    [
        (QUARTERLY, "2024-Q1", "2023-Q4"),  # back across the April boundary
        (QUARTERLY, "2023-Q4", "2023-Q3"),  # back across the calendar year end
        (SIX_MONTHLY, "2024-H1", "2023-H2"),
        (ANNUAL, "2024", "2023"),
    ],
)
def test_previous_period(kind, code, previous):
    assert periods.parse(kind, code).previous.code == previous


def test_latest_ended_period_on_the_first_day_of_a_quarter():
    assert periods.latest_ended(QUARTERLY, D(2024, 4, 1)).code == "2023-Q4"
    assert periods.latest_ended(ANNUAL, D(2024, 4, 1)).code == "2023"
    assert periods.latest_ended(SIX_MONTHLY, D(2024, 3, 31)).code == "2023-H1"


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (QUARTERLY, "2024-Q5", "Quarterly periods look like 2024-Q3"),
        (QUARTERLY, "2024-H1", "Quarterly periods look like 2024-Q3"),
        (SIX_MONTHLY, "2024", "Six-monthly periods look like 2024-H1"),
        (ANNUAL, "24", "Annual periods look like 2024"),
        ("monthly", "2024-01", "Choose quarterly, six-monthly or annual"),
    ],
)
def test_parse_explains_a_bad_period(kind, text, message):
    with pytest.raises(ValueError, match=message):
        periods.parse(kind, text)


def test_parse_accepts_lower_case_and_spaces():
    assert periods.parse(QUARTERLY, " 2024-q3 ") == Period(QUARTERLY, 2024, 3)


def test_periods_ending_between_two_months_newest_first():
    found = periods.between(D(2023, 12, 1), D(2024, 6, 1))
    assert [p.code for p in found] == ["2024-Q1", "2023-Q4", "2023-H2", "2023", "2023-Q3"]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # gov.uk/bank-holidays, England and Wales.
        (2023, ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"]),
        (2024, ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"]),
        (2025, ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"]),
        (2026, ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"]),
        # Christmas on a Sunday: Boxing Day on Monday, Christmas's substitute on Tuesday.
        (
            2022,
            [
                "01-03",
                "04-15",
                "04-18",
                "05-02",
                "06-02",
                "06-03",
                "08-29",
                "09-19",
                "12-26",
                "12-27",
            ],
        ),
    ],
)
def test_bank_holidays_in_england_and_wales(year, expected):
    assert sorted(f"{day:%m-%d}" for day in periods.bank_holidays(year)) == expected


@pytest.mark.parametrize(
    ("meeting", "deadline"),
    [
        # Thursday meeting: Wed, Tue, Mon, Fri, Thu are the five clear days; publish Wednesday.
        (D(2024, 7, 18), D(2024, 7, 10)),
        # Monday after Easter: Good Friday and Easter Monday are not working days.
        (D(2024, 4, 8), D(2024, 3, 27)),
        # Early January: Christmas, Boxing Day and New Year's Day do not count.
        (D(2025, 1, 6), D(2024, 12, 24)),
        # Five clear days would start on a Monday: publish on the Friday before, not Sunday.
        (D(2024, 7, 22), D(2024, 7, 12)),
    ],
)
def test_publication_deadline_leaves_five_clear_working_days(meeting, deadline):
    assert periods.publication_deadline(meeting) == deadline
    assert periods.clear_working_days(deadline, meeting) == 5
    assert periods.is_working_day(deadline)
    next_working_day = deadline + datetime.timedelta(1)
    while not periods.is_working_day(next_working_day):
        next_working_day += datetime.timedelta(1)
    assert periods.clear_working_days(next_working_day, meeting) < 5
