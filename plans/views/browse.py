from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from plans.models import Action, Plan, Status, Update
from plans.summary import status_breakdown, with_latest_status
from tracker import policy


@policy.rule("view")
@require_safe
def plan_index(request):
    return render(request, "plans/index.html", {"plans": Plan.objects.all()})


@policy.rule("view")
@require_safe
def tracker(request, slug):
    """Every action of the plan, grouped by theme and workstream, with its latest status."""
    plan = get_object_or_404(Plan, slug=slug)
    statuses = {s.pk: s for s in Status.objects.filter(plan=plan)}
    actions = list(
        with_latest_status(Action.objects.filter(plan=plan))
        .select_related("theme", "workstream", "lead_officer", "director")
        .order_by("theme__sort_order", "sort_order", "ref")
    )
    for action in actions:
        action.latest_status = statuses.get(action.latest_status_id)
    overall, _ = status_breakdown(plan)
    return render(
        request, "plans/tracker.html", {"plan": plan, "actions": actions, "overall": overall}
    )


@policy.rule("view")
@require_safe
def action_detail(request, slug, ref):
    action = get_object_or_404(
        Action.objects.select_related(
            "plan", "theme", "workstream", "parent", "director", "lead_officer", "update_owner"
        ),
        plan__slug=slug,
        ref=ref,
    )
    updates = (
        Update.objects.filter(action=action)
        .select_related("status", "author", "on_behalf_of")
        .prefetch_related("evidence")
        .order_by("-month")
    )
    return render(
        request,
        "plans/action.html",
        {
            "action": action,
            "updates": updates,
            "children": action.children.order_by("sort_order", "ref"),
            "other_leads": action.other_leads.all(),
            "committees": action.committees.all(),
            "may_update": policy.may_update(request.user, action),
        },
    )
