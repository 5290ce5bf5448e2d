"""Marking cached pages stale: the one place that raises the version numbers the page cache
keys carry (plans/views/browse.py). Call one of these inside the writing transaction, after the
write, from the workflow function that writes; a writer that forgets serves old pages.

A plan has two: its data version, in the key of every cached page of the plan, and its layout
version, in the key of what shows only its layout (the filter menus: themes, posts, statuses,
months) and of action pages. An action's updates version is in its own page's key.
"""

from django.db.models import F

from plans.models import Action, Plan


def _raise(plans, *, layout: bool) -> None:
    versions = {"data_version": F("data_version") + 1}
    if layout:
        versions["layout_version"] = F("layout_version") + 1
    plans.update(**versions)


def plan_changed(plan_id: int) -> None:
    """Anything about the plan may have changed (a round opened or closed, a workbook
    imported, an admin edit): every cached page of the plan goes stale: the tracker's and
    committee pages' results and filter menus, the dashboard and its charts, action pages."""
    _raise(Plan.objects.filter(pk=plan_id), layout=True)


def every_plan_changed() -> None:
    """Something every plan shows changed (a post, a committee): all their pages go stale."""
    _raise(Plan.objects.all(), layout=True)


def figure_changed(plan_id: int) -> None:
    """A measure's figure was written: the plan's tracker and committee results, dashboard and
    charts go stale, but not its filter menus or action pages, which show no figures."""
    _raise(Plan.objects.filter(pk=plan_id), layout=False)


def progress_changed(action: Action) -> None:
    """`action`'s update was written, given evidence or reviewed: what figure_changed makes
    stale, and the pages of the action and of its focus action, which shows its status."""
    figure_changed(action.plan_id)
    Action.objects.filter(pk__in=[action.pk, action.parent_id]).update(
        updates_version=F("updates_version") + 1
    )
