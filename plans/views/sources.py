"""Sources of actions: the list, a source's page with each recommendation, the actions that
answer it and how they are going, and that page as Excel or CSV. Everyone signed in reads them;
administrators link actions to recommendations in the admin."""

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from plans import export, sources
from plans.models import Plan, Source
from tracker import policy


@policy.rule("view")
@require_safe
def source_list(request, slug):
    """The plan's sources, with how many recommendations each has and how many actions answer
    them."""
    plan = get_object_or_404(Plan, slug=slug)
    found = plan.sources.annotate(
        recommendation_count=Count("recommendations", distinct=True),
        action_count=Count("recommendations__actions", distinct=True),
    )
    return render(request, "plans/sources.html", {"plan": plan, "sources": found})


def _source(slug, pk):
    return get_object_or_404(Source.objects.select_related("plan"), plan__slug=slug, pk=pk)


@policy.rule("view")
@require_safe
def source_detail(request, slug, pk):
    """Each recommendation of the source, grouped by area, with the actions that answer it
    and a roll-up of their latest statuses."""
    source = _source(slug, pk)
    grouped, statuses = sources.answers(source)
    return render(
        request,
        "plans/source.html",
        {
            "plan": source.plan,
            "source": source,
            "groups": [
                (area, [(answer, answer.words(statuses)) for answer in found])
                for area, found in grouped
            ],
            "count": sum(len(found) for _, found in grouped),
        },
    )


@policy.rule("view")
@require_safe
def source_export(request, slug, pk, fmt):
    """The source page as a table, one row per recommendation and action, as .xlsx or .csv."""
    source = _source(slug, pk)
    grouped, _ = sources.answers(source)
    rows = sources.export_rows(source, grouped)
    name = f"{slugify(source.name)[:60] or 'source'}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse(export.to_csv(sources.EXPORT_HEADER, rows), "text/csv")
    else:
        response = HttpResponse(
            export.to_xlsx(sources.EXPORT_HEADER, rows, title="Recommendations"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
