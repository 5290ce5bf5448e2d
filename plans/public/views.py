"""The public page of a plan: its themes and actions with their signed-off statuses and
words, the published committee reports to download, and each source's recommendations with
their progress. No evidence, no drafts, and no officers unless the plan names them.

What the public may read is tracker.policy's (may_read_public, public_reports,
public_as_at); what a page shows of an update is EVERYONE's (visible_updates)."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from plans import dates, sources, summary
from plans.models import Action, Plan
from plans.views.browse import cached
from tracker import policy

# What a public row needs of summary.for_tracker: no signature, author or evidence.
ROW_FIELDS = [
    "pk",
    "ref",
    "title",
    "theme_id",
    "theme__name",
    "workstream_id",
    "workstream__name",
    "lead_officer__name",
    "has_children",
    "latest_status_id",
    "latest_month",
    "latest_narrative",
]


def public_plan(slug):
    """The plan at `slug` if the public may read it; otherwise "not found", as if it had no
    public page at all."""
    plan = get_object_or_404(Plan, slug=slug)
    if not policy.may_read_public(plan):
        raise Http404("This plan has no public page.")
    return plan


@policy.rule("public")
@require_safe
def plan_page(request, slug):
    """Two queries when cached. The body is the same for everyone, so it is kept until the
    plan's data version changes (a sign-off, a round, an admin edit) or a report is
    published, which changes the list of reports in its key."""
    plan = public_plan(slug)
    reports = list(policy.public_reports(plan))
    as_at = policy.public_as_at(plan, reports)
    body = cached(
        ("public", as_at, plan.public_shows_officers, [r.pk for r in reports]),
        plan,
        lambda: render_to_string("public/_body.html", _body(plan, reports, as_at), request),
    )
    return render(request, "public/plan.html", {"plan": plan, "body": body})


def _body(plan, reports, as_at):
    """Eight queries, whatever the size of the plan."""
    statuses = {s.pk: s for s in plan.statuses.all()}
    rows = list(
        summary.for_tracker(Action.objects.filter(plan=plan), as_at=as_at, opening=None)
        .order_by(*summary.PLAN_ORDER)
        .values(*ROW_FIELDS)
    )
    for row in rows:
        row["status"] = statuses.get(row["latest_status_id"])
    month = as_at or dates.LAST_MONTH
    breakdowns = dict(summary.figures(plan, [month]).themes_at(month))
    themes = [
        (name, breakdowns.get(name), streams) for name, streams in summary.group_by_theme(rows)
    ]
    found, _ = sources.snapshot(plan, as_at)
    return {
        "plan": plan,
        "as_at": as_at,
        "reports": reports,
        "themes": themes,
        "sources": found,
        "officers": plan.public_shows_officers,
    }


@policy.rule("public")
@require_safe
def report_pdf(request, slug, pk):
    """A published committee report's PDF, as published: for public plans only."""
    plan = public_plan(slug)
    report = get_object_or_404(policy.public_reports(plan), pk=pk)
    response = FileResponse(
        report.file.open("rb"), filename=report.download_name, content_type="application/pdf"
    )
    response["ETag"] = f'"{report.sha256}"'
    # Not for a year, like the signed-in download: the plan may stop being public.
    response["Cache-Control"] = "public, max-age=3600"
    return response
