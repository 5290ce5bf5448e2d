"""The one rule for every date field that names a month (a round's, an update's, a measure's
period): the first day of a month, within the years the service reads (plans/dates.py)."""

from django.db import models
from django.db.models import Q

from plans import dates


def month_constraints(field, prefix):
    """The database checks on `field`, named `<prefix>_is_first_of_month` and `<prefix>_in_range`."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__day": 1}), name=f"{prefix}_is_first_of_month"
        ),
        models.CheckConstraint(
            condition=Q(**{f"{field}__range": (dates.FIRST_MONTH, dates.LAST_MONTH)}),
            name=f"{prefix}_in_range",
            violation_error_message=f"The month must be within {dates.MONTH_RANGE}",
        ),
    ]
