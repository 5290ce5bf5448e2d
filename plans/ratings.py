"""What the dates say about a rating. Pure functions of statuses and dates, no database.

The plan's status definitions are written in terms of slippage: how far the projected
completion is behind the due date ("On track: less than 1 month; Medium progress: 1-2 months;
Significant issues: more than 2 months"). Each status may carry `max_slippage_months`; a status
with M allows slippage of less than M months. Beyond the last of them comes the plan's red
status.
"""

import calendar
import datetime
import re

from plans.models import Rag

# A due date written with a day ("31/03/2024", "2024-03-31") means that day; one written as
# a month ("Mar-24", "March 2024") means by the end of that month.
_HAS_DAY = re.compile(r"^\s*(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2})")


def deadline(due_date, due_text=""):
    """The last day an action may finish on time, or None when it has no real due date."""
    if due_date is None:
        return None
    if due_date.day == 1 and not _HAS_DAY.match(due_text or ""):
        return due_date.replace(day=calendar.monthrange(due_date.year, due_date.month)[1])
    return due_date


def as_at(month: datetime.date) -> datetime.date:
    """The day an update for `month` is judged on: the month's last day. A date rule or a
    suggestion reads an update as the officer writes it for that month, so saving it (or
    correcting it a year later) never depends on the day someone happens to press Save."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_after(day, months):
    """The same day `months` later, or the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def slippage_months(end, finish):
    """How many months `finish` is after `end`, to one decimal place (0 when not after)."""
    return max(0.0, round((finish - end).days / 30.44, 1))


def months(count):
    """ "1 month", "2.5 months"."""
    return f"{count:g} month{'' if count == 1 else 's'}"


def suggest(statuses, end, projected):
    """The status the plan's definitions imply for finishing on `projected` when due by `end`,
    or None when the plan's vocabulary says nothing about slippage."""
    if end is None or projected is None:
        return None
    ladder = sorted(
        (s for s in statuses if s.max_slippage_months is not None),
        key=lambda s: s.max_slippage_months,
    )
    for status in ladder:
        if projected < months_after(end, status.max_slippage_months):
            return status
    if not ladder:
        return None
    return next((s for s in statuses if s.rag == Rag.RED and not s.counts_as_done), None)


def warnings(status, *, start, end, projected, as_at):
    """Sentences saying how the chosen `status` contradicts the dates; empty when it does not.

    `start` and `end` are the action's start date and deadline (either may be None); `as_at`
    is the day the update is judged on (`as_at(month)` for an update of a month).
    """
    found = []
    if status.not_started and start is not None and as_at > start:
        found.append(
            f"“{status.label}” means work has not started, but the action was due to start "
            f"on {start:%-d %B %Y}."
        )
    if status.max_slippage_months is not None and end is not None:
        # Unfinished work cannot finish before the month reported on, whatever date was typed.
        finish = max(projected, as_at) if projected else as_at
        if finish >= months_after(end, status.max_slippage_months):
            when = (
                f"the projected completion, {finish:%-d %B %Y}, is"
                if projected and projected >= as_at
                else f"by {as_at:%B %Y} it is"
            )
            found.append(
                f"“{status.label}” allows less than {months(status.max_slippage_months)} of "
                f"slippage, but {when} {months(slippage_months(end, finish))} after the due "
                f"date, {end:%-d %B %Y}."
            )
    if status.counts_as_done and projected is not None and projected > as_at:
        found.append(
            f"“{status.label}” means the action is finished, but the projected completion "
            f"date, {projected:%-d %B %Y}, is after {as_at:%B %Y}, the month reported on."
        )
    return found
