from decimal import Decimal

import pytest

from plans.measures.rating import rate

FIVE_PERCENT = Decimal("0.05")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("101", "green"),
        ("100", "green"),  # exactly on target meets it
        ("99.99", "amber"),
        ("95", "amber"),  # exactly 5% short is still within tolerance
        ("94.99", "red"),
        ("0", "red"),
    ],
)
def test_higher_is_better_around_the_thresholds(value, expected):
    assert (
        rate(Decimal(value), Decimal("100"), direction="higher", tolerance=FIVE_PERCENT) == expected
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9", "green"),
        ("10", "green"),
        ("10.01", "amber"),
        ("10.5", "amber"),
        ("10.51", "red"),
    ],
)
def test_lower_is_better_around_the_thresholds(value, expected):
    assert (
        rate(Decimal(value), Decimal("10"), direction="lower", tolerance=FIVE_PERCENT) == expected
    )


def test_without_a_tolerance_there_is_no_amber():
    assert rate(Decimal("99.9"), Decimal("100"), direction="higher") == "red"
    assert rate(Decimal("100"), Decimal("100"), direction="higher") == "green"


@pytest.mark.parametrize(
    ("value", "target"), [(None, Decimal("5")), (Decimal("5"), None), (None, None)]
)
def test_a_missing_value_or_target_is_not_rated(value, target):
    assert rate(value, target, direction="higher", tolerance=FIVE_PERCENT) is None


def test_a_zero_target_leaves_no_room_for_tolerance():
    assert rate(Decimal("0"), Decimal("0"), direction="lower", tolerance=FIVE_PERCENT) == "green"
    assert rate(Decimal("0.1"), Decimal("0"), direction="lower", tolerance=FIVE_PERCENT) == "red"


def test_negative_targets_rate_by_distance():
    # A budget variance target of -10 (an underspend): lower is better.
    assert (
        rate(Decimal("-10.4"), Decimal("-10"), direction="lower", tolerance=FIVE_PERCENT) == "green"
    )
    assert (
        rate(Decimal("-9.6"), Decimal("-10"), direction="lower", tolerance=FIVE_PERCENT) == "amber"
    )


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="direction"):
        rate(Decimal("1"), Decimal("1"), direction="sideways")
