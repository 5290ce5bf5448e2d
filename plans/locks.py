"""The one order in which everything that writes monthly progress takes its row locks, so two
saves meeting at the same moment queue one behind the other instead of failing or deadlocking:

1. the plan's round (`round_for`): saving an update or a figure in it, signing an update off
   and closing the round all lock its row first, so a save sees whether the round is open as
   it is, and none can land after the close. A save for a month with no round (a performance
   officer's correction) locks the plan's row in its place. A workbook import, which writes
   any month, locks every round of the plan and then the plan's row (`whole_plan`);
2. the update or figure being written (`entry`), created if there is none yet;
3. last, the plan's row, when plans.versions marks its cached pages stale.

A writer that holds a later lock never waits for an earlier one, so no two wait on each other.
SQLite runs one writing transaction at a time (transaction_mode IMMEDIATE in the settings), so
there these locks change nothing and the promise holds all the same.
"""

import datetime
from typing import Any, TypeVar

from django.db import models

from plans.models import Plan, Round

Row = TypeVar("Row", bound=models.Model)


def round_for(plan_id: int, month: datetime.date | None = None) -> Round | None:
    """The plan's round for `month` (without a month: its open round), or None, locked until
    the transaction ends; with no such round, the plan's row is locked instead, so a save
    outside any round still queues behind an import. Call it before taking any other lock."""
    rounds = Round.objects.select_for_update().filter(plan=plan_id)
    rounds = rounds.filter(month=month) if month else rounds.open()
    # Round's default ordering joins the plan, whose row FOR UPDATE would lock too.
    round_ = rounds.order_by("pk").first()
    if round_ is None:
        _plan_row(plan_id)
    return round_


def whole_plan(plan_id: int) -> None:
    """Lock every round of the plan, then its row, until the transaction ends: for a writer
    (a workbook import) that may write any month's updates."""
    list(Round.objects.select_for_update().filter(plan=plan_id).order_by("pk").values("pk"))
    _plan_row(plan_id)


def _plan_row(plan_id: int) -> None:
    list(Plan.objects.select_for_update().filter(pk=plan_id).values("pk"))


def entry(model: type[Row], *, defaults: dict[str, Any], **key: Any) -> tuple[Row, bool]:
    """The row of `model` with `key`, locked until the transaction ends, and whether this call
    created it from `defaults`. When two writers create it at once, the second's insert waits
    for the first to commit, fails on the unique constraint within a savepoint, and this
    returns the first's row, locked, for the caller to treat as anyone else's saved words."""
    return model.objects.select_for_update().get_or_create(defaults=defaults, **key)
