"""Each action's status in force at each month, as every reader sees it, kept beside the
updates so the dashboard counts a year of statuses with one aggregate query rather than by
reading every update in it (60,000 at a county's 5,000 actions).

Rebuilt for an action inside every transaction that writes its updates (plans/updates.py,
plans/excel/load.py), so it never disagrees with them. Only statuses are kept: which theme,
priority or committee an action belongs to, and whether it is a parent left out, are joined
when counting, so structural edits need no upkeep here.
"""

from django.db import models

from plans import dates
from plans.models.progress import Update
from plans.models.structure import Action, Plan, Status
from tracker import policy


def months_in_force(updates):
    """(action id, month, *values, last) for every month of each action from its first update
    to its last, from `updates`: (action id, month, *values), the values those of the update
    in force, ordered by action, then month. The months between two updates keep the earlier
    one's."""
    previous = None
    for action_id, month, *update in updates:
        if previous and previous[0] == action_id:
            gap = previous[1]
            while gap < month:
                yield action_id, gap, *previous[2:], False
                gap = dates.add_months(gap, 1)
        elif previous:
            yield *previous, True
        previous = (action_id, month, *update)
    if previous:
        yield *previous, True


class StatusMonthQuerySet(models.QuerySet):
    def rebuild(self, actions):
        """Recompute the rows of `actions` (a queryset of actions, or their ids) from their
        updates. Three queries however many actions: an import rebuilds all it touched at once."""
        self.filter(action__in=actions).delete()
        updates = (
            Update.objects.visible_to(policy.EVERYONE)
            .filter(action__in=actions)
            .order_by("action_id", "month")
            .values_list("action_id", "month", "status_id", "pk", "action__plan_id")
        )
        self.bulk_create(
            (
                StatusMonth(
                    action_id=action_id,
                    month=month,
                    status_id=status_id,
                    update_id=update_id,
                    plan_id=plan_id,
                    last=last,
                )
                for action_id, month, status_id, update_id, plan_id, last in months_in_force(
                    updates
                )
            ),
            batch_size=5000,
        )


class StatusMonth(models.Model):
    """`action`'s status in force at `month`: that of `update`, its latest update every reader
    may see on or before then. Rows run from its first such update to its last (`last`), which
    stays in force every month after."""

    # The action's plan, so counting a plan's month reads one stretch of an index in order.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="+")
    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="+")
    last = models.BooleanField(default=False)

    objects = StatusMonthQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "month"], name="one_status_per_action_month")
        ]
        # Everything the dashboard reads, so its queries never visit the table itself: each
        # action's months, and a plan's months in the order they are counted.
        indexes = [
            models.Index(
                fields=["action", "month", "status", "last", "update"], name="status_month_all"
            ),
            models.Index(
                fields=["plan", "month", "status", "last", "action"], name="status_month_counted"
            ),
        ]

    def __str__(self):
        return f"{self.action_id} {self.month:%B %Y}: {self.status_id}"
