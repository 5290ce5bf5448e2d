"""What the dates say about a rating: pure functions, tested at the month and year ends."""

import datetime

import pytest

from plans import ratings
from plans.models import DEFAULT_STATUSES, Status

D = datetime.date
STATUSES = [Status(pk=n, sort_order=n, **values) for n, values in enumerate(DEFAULT_STATUSES, 1)]
BY_LABEL = {status.label: status for status in STATUSES}


@pytest.mark.parametrize(
    ("due", "text", "expected"),
    [
        (D(2024, 3, 1), "Mar-24", D(2024, 3, 31)),  # a month means by its end
        (D(2024, 2, 1), "February 2024", D(2024, 2, 29)),  # leap year
        (D(2023, 12, 1), "Dec-23", D(2023, 12, 31)),
        (D(2024, 3, 1), "01/03/2024", D(2024, 3, 1)),  # a day means that day
        (D(2024, 3, 15), "15/03/2024", D(2024, 3, 15)),
        (D(2024, 3, 1), "2024-03-01", D(2024, 3, 1)),
        (None, "TBC", None),
    ],
)
def test_the_deadline_of_a_due_date_as_written(due, text, expected):
    assert ratings.deadline(due, text) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 12, 31), 2, D(2024, 2, 29)),
        (D(2023, 11, 30), 2, D(2024, 1, 30)),
        (D(2024, 3, 31), 1, D(2024, 4, 30)),
    ],
)
def test_months_after_keeps_the_day_or_the_months_last(day, months, expected):
    assert ratings.months_after(day, months) == expected


@pytest.mark.parametrize(
    ("projected", "expected"),
    [
        (D(2024, 2, 1), "On track"),  # early
        (D(2024, 3, 31), "On track"),  # on the day
        (D(2024, 4, 29), "On track"),  # under a month late
        (D(2024, 4, 30), "Medium progress"),  # a month late
        (D(2024, 5, 30), "Medium progress"),
        (D(2024, 5, 31), "Significant issues / slippage"),  # two months late
        (D(2025, 1, 1), "Significant issues / slippage"),  # across the year end
    ],
)
def test_the_suggested_status_follows_the_plans_slippage_definitions(projected, expected):
    suggested = ratings.suggest(STATUSES, D(2024, 3, 31), projected)
    assert suggested.label == expected


def test_no_suggestion_without_both_dates_or_a_slippage_vocabulary():
    assert ratings.suggest(STATUSES, None, D(2024, 3, 1)) is None
    assert ratings.suggest(STATUSES, D(2024, 3, 31), None) is None
    plain = [Status(pk=1, label="Green", rag="green"), Status(pk=2, label="Red", rag="red")]
    assert ratings.suggest(plain, D(2024, 3, 31), D(2025, 1, 1)) is None


def test_on_track_long_after_the_due_date_is_contradicted():
    found = ratings.warnings(
        BY_LABEL["On track"],
        start=D(2022, 12, 1),
        end=D(2023, 10, 31),
        projected=None,
        as_at=D(2024, 2, 29),
    )
    assert found == [
        "“On track” allows less than 1 month of slippage, but by February 2024 it is 4 months "
        "after the due date, 31 October 2023."
    ]


def test_a_projected_date_is_what_slippage_is_measured_to():
    found = ratings.warnings(
        BY_LABEL["Medium progress"],
        start=None,
        end=D(2024, 3, 31),
        projected=D(2024, 7, 1),
        as_at=D(2024, 2, 29),
    )
    assert found == [
        "“Medium progress” allows less than 2 months of slippage, but the projected completion, "
        "1 July 2024, is 3 months after the due date, 31 March 2024."
    ]


def test_ratings_that_fit_the_dates_are_not_questioned():
    for label in ("On track", "Medium progress", "Significant issues / slippage", "On hold"):
        assert not ratings.warnings(
            BY_LABEL[label],
            start=D(2023, 1, 1),
            end=D(2024, 3, 31),
            projected=D(2024, 3, 15),
            as_at=D(2024, 2, 29),
        )


def test_not_due_to_start_is_questioned_only_after_the_start_date():
    status = BY_LABEL["Not due to start"]
    kwargs = {"end": None, "projected": None}
    assert not ratings.warnings(status, start=D(2024, 4, 1), as_at=D(2024, 2, 29), **kwargs)
    assert ratings.warnings(status, start=D(2024, 2, 1), as_at=D(2024, 2, 29), **kwargs) == [
        "“Not due to start” means work has not started, but the action was due to start on "
        "1 February 2024."
    ]


def test_complete_with_a_completion_date_to_come_is_questioned():
    found = ratings.warnings(
        BY_LABEL["Complete"],
        start=None,
        end=D(2024, 3, 31),
        projected=D(2024, 6, 1),
        as_at=D(2024, 2, 29),
    )
    assert found == [
        "“Complete” means the action is finished, but the projected completion date, "
        "1 June 2024, is after February 2024, the month reported on."
    ]


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (D(2024, 2, 1), D(2024, 2, 29)),  # leap year
        (D(2023, 2, 1), D(2023, 2, 28)),
        (D(2023, 12, 1), D(2023, 12, 31)),  # year end
        (D(2024, 3, 1), D(2024, 3, 31)),  # financial year end
        (D(2024, 4, 1), D(2024, 4, 30)),
    ],
)
def test_an_update_is_judged_as_at_the_last_day_of_its_month(month, expected):
    assert ratings.as_at(month) == expected


def test_on_track_in_the_month_before_the_due_month_is_not_questioned_years_later():
    # February 2024's update of an action due Mar-24, however long after it is saved.
    assert not ratings.warnings(
        BY_LABEL["On track"],
        start=D(2022, 12, 1),
        end=D(2024, 3, 31),
        projected=None,
        as_at=ratings.as_at(D(2024, 2, 1)),
    )
