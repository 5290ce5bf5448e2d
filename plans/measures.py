"""Rating a measure's value against its target. Pure functions, no database."""

from decimal import Decimal

HIGHER = "higher"
LOWER = "lower"


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
