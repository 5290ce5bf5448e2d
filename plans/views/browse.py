"""Reading the plan: the tracker, an action's page, the dashboard, committee views, exports.

Everyone signed in reads everything here, and nothing here writes.
"""

import json
from functools import cache as cache_result
from hashlib import sha256

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from plans import charts, export, history, sources, summary
from plans.filters import SORTS, ActionFilter, MonthForm
from plans.measures import scorecard
from plans.models import Action, Committee, Follow, Plan, Round, Update, UpdateRevision
from plans.templatetags.browse import action_url
from tracker import policy

# The most actions one tracker page shows: a large plan is paged rather than sent whole.
PAGE_SIZE = 500
# Rendered parts of pages are kept until the plan's data version changes. Some admin edits
# (an action's title, a status's label) do not raise it, so nothing is kept longer than this.
CACHE_SECONDS = 120


@policy.rule("view")
@require_safe
def plan_index(request):
    return render(request, "plans/index.html", {"plans": Plan.objects.all()})


def _plan(slug):
    """The plan, with the months its pages need (summary.current_month) and the plans of the
    years before and after it (plans/rollover.py)."""
    plan = get_object_or_404(
        summary.plans_with_round().select_related("previous", "next"), slug=slug
    )
    months = cached(("months",), plan, lambda: summary.update_months(plan))
    plan.first_update_month, plan.last_update_month = months
    return plan


def _prepare(rows, filters):
    """Give each row its status and whether this month's update is asked of it."""
    statuses = {s.pk: s for s in filters.statuses}
    rates_itself = filters.plan.parents_rate_themselves
    for row in rows:
        row["status"] = statuses.get(row["latest_status_id"])
        row["last_status"] = statuses.get(row.get("last_status_id"))
        row["needs_update"] = rates_itself or not row["has_children"]
    return rows


def cached(parts, plan, build, layout=False):
    """What build() returns, kept until the plan's data version changes (or CACHE_SECONDS
    pass), under a key made of `parts` and the plan. With layout=True, kept until its layout
    version changes instead: for parts that monthly updates do not change."""
    version = ("layout", plan.layout_version) if layout else plan.data_version
    key = "browse:" + sha256(repr((plan.pk, version, *parts)).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _browse(request, plan, template, context, committee=None):
    """The tracker page and the committee page: filters, sortable table, count, pages. All
    but the page's frame (which names the signed-in user) is the same for everyone, so it is
    rendered once per plan version, filter and day (what is overdue changes at midnight). The
    filter menus change only with the plan's layout, so they are kept while updates come in."""
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    today = timezone.localdate()
    here = committee.slug if committee else "tracker"
    current = summary.current_month(plan)
    # Made only when a part has to be drawn: a page served from the cache needs no filters.
    filters = cache_result(
        lambda: ActionFilter(request.GET, plan=plan, today=today, committee=committee, opening=None)
    )
    months = (plan.first_update_month, plan.last_update_month, current)
    panel = cached(
        ("filters", here, months, query),
        plan,
        lambda: render_to_string(
            "plans/_browse.html", _panel_context(plan, here, filters()), request
        ),
        layout=True,
    )
    # Administrators' results carry a link to change the filtered actions (plans/bulk.py).
    manage = policy.may_manage(request.user)
    results = cached(
        ("results", here, current, today, query, manage),
        plan,
        lambda: render_to_string(
            "plans/_results.html",
            {**_results_context(request, plan, committee, filters()), "may_manage": manage},
            request,
        ),
    )
    filtered = any(value for key, value in query if key not in ("sort", "page", "columns"))
    return render(
        request,
        template,
        {
            **context,
            "plan": plan,
            "body": panel + results,
            "filtered": filtered,
            "may_manage": manage,
        },
    )


def _panel_context(plan, here, filters):
    return {
        "plan": plan,
        "here": here,
        "filters": filters,
        "more_open": filters.more_in_use(),
        "committees": Committee.objects.filter(actions__plan=plan).distinct(),
        "current": filters.current,
    }


def _results_context(request, plan, committee, filters):
    # Choose the page on ids alone, then fetch only its rows' statuses: sorting a big plan's
    # ids is cheap, but every row's latest-update lookups are not.
    ids = filters.qs.values_list("pk", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _prepare(filters.rows(list(page.object_list)), filters)
    sort = filters.form.cleaned_data.get("sort") or ""
    query = request.GET.copy()
    query.pop("page", None)
    if committee is not None:
        query["committee"] = committee.pk
    return {
        "plan": plan,
        "filters": filters,
        "filtered": filters.is_filtered(),
        "current": filters.current,
        "page": page,
        "rows": rows,
        "groups": None if sort else summary.group_by_theme(rows),
        "columns": _columns(request.GET, sort),
        "added": filters.added_columns(),
        "action_url": action_url(plan.slug),
        "export_query": query.urlencode(),
    }


def _columns(params, sort):
    """The sortable column headers: label, link that sorts by it (the other way round when
    it already does), and its aria-sort value."""
    columns = []
    for key, label in SORTS.items():
        query = params.copy()
        query.pop("page", None)
        query["sort"] = f"-{key}" if sort == key else key
        state = {key: "ascending", f"-{key}": "descending"}.get(sort, "none")
        columns.append({"key": key, "label": label, "url": f"?{query.urlencode()}", "sort": state})
    return {column["key"]: column for column in columns}


@policy.rule("view")
@require_safe
def tracker(request, slug):
    """Every action of the plan, grouped by theme and workstream, filtered as asked."""
    return _browse(request, _plan(slug), "plans/tracker.html", {})


@policy.rule("view")
@require_safe
def committee_detail(request, slug, committee):
    """The actions one committee oversees, for its chair and vice-chair, with every filter."""
    plan = _plan(slug)
    committee = get_object_or_404(
        Committee.objects.select_related("chair", "vice_chair"), slug=committee
    )
    return _browse(
        request, plan, "plans/committee.html", {"committee": committee}, committee=committee
    )


@policy.rule("view")
@require_safe
def action_detail(request, slug, ref):
    """Everything about one action: its fields, sub-actions, every update with its earlier
    wordings and evidence, and who changed its details when."""
    action = get_object_or_404(
        Action.objects.select_related(
            "plan",
            "theme__priority",
            "workstream",
            "parent",
            "director",
            "lead_officer",
            "update_owner",
        ).annotate(has_children=Exists(Action.objects.filter(parent=OuterRef("pk")))),
        plan__slug=slug,
        ref=ref,
    )
    # Those who may read its drafts see every wording; everyone else the signed-off ones.
    reader = request.user if policy.may_read_drafts(request.user, action) else policy.EVERYONE
    # Kept while other actions' updates come in: its own (and its sub-actions') raise
    # updates_version, everything else the plan's layout version.
    body = cached(
        ("action", action.pk, action.updates_version, reader is not policy.EVERYONE),
        action.plan,
        lambda: render_to_string("plans/_action.html", _action_context(action, reader), request),
        layout=True,
    )
    open_round = None
    if policy.may_update(request.user, action) and action.rates_itself(action.has_children):
        open_round = Round.objects.open().filter(plan=action.plan).first()
    return render(
        request,
        "plans/action.html",
        {
            "action": action,
            "body": body,
            "open_month": open_round.month if open_round else None,
            "update_url": action.update_url(open_round.month) if open_round else None,
            **_following(request.user, action),
        },
    )


def _following(user, action):
    """Whether `user` follows the action and its theme, for the Follow buttons. One query."""
    follows = set(
        Follow.objects.filter(user=user)
        .filter(Q(action=action) | Q(theme=action.theme_id))
        .values_list("action_id", "theme_id")
    )
    return {
        "follows_action": (action.pk, None) in follows,
        "follows_theme": (None, action.theme_id) in follows,
    }


def _action_context(action, reader):
    updates = list(
        Update.objects.visible_to(reader)
        .filter(action=action)
        .select_related("status", "author", "on_behalf_of")
        .prefetch_related(
            Prefetch(
                "revisions",  # only the earlier wordings: the update itself is the latest
                queryset=UpdateRevision.objects.visible_to(reader)
                .filter(version__lt=F("update__version"))
                .select_related("status", "author", "on_behalf_of"),
            ),
            "evidence",
        )
        .order_by("-month")
    )
    children = []
    if action.has_children:
        statuses = {s.pk: s for s in action.plan.statuses.all()}
        children = list(
            summary.for_tracker(action.children.all())
            .select_related("lead_officer")
            .order_by("sort_order", "ref")
        )
        for child in children:
            child.latest_status = statuses.get(child.latest_status_id)
    return {
        "action": action,
        "updates": updates,
        "evidence": [(u, item) for u in updates for item in u.evidence.all()],
        "children": children,
        "other_leads": action.other_leads.all(),
        "priorities": action.priorities.all(),
        "recommendations": action.recommendations.select_related("source"),
        "committees": action.committees.all(),
        "changes": history.action_changes(action),
    }


def _dashboard_month(request, plan):
    form = MonthForm(request.GET, months=summary.month_choices(plan))
    return form, form.chosen() or summary.current_month(plan)


def _dashboard_committee(request, plan):
    """The committee asked for with `committee=` (its id, as the tracker's filter takes it),
    or None for the whole plan; 404 for one that oversees none of the plan's actions."""
    asked = request.GET.get("committee")
    if not asked:
        return None
    if not asked.isdigit():
        raise Http404
    return get_object_or_404(Committee.objects.filter(actions__plan=plan).distinct(), pk=int(asked))


@policy.rule("view")
@require_safe
def dashboard(request, slug):
    """The plan's position for a month, or one committee's (`committee=`): statuses and RAG
    colours overall, by priority and by theme, movement since the month before, a 12-month
    trend, and what is red or amber."""
    plan = _plan(slug)
    form, month = _dashboard_month(request, plan)
    committee = _dashboard_committee(request, plan)
    body = cached(
        ("dashboard", month, committee and committee.pk),
        plan,
        lambda: render_to_string(
            "plans/_dashboard.html", _dashboard_context(plan, form, month, committee), request
        ),
    )
    return render(
        request,
        "plans/dashboard.html",
        {
            "plan": plan,
            "month": month,
            "committee": committee,
            "body": body,
            "ignored": form.ignored(),
        },
    )


def _dashboard_context(plan, form, month, committee=None):
    context = {
        "plan": plan,
        "here": "dashboard",
        "form": form,
        "month": month,
        "committee": committee,
        "committees": Committee.objects.filter(actions__plan=plan).distinct(),
    }
    if month is None:
        return context
    narrowed = f"&committee={committee.pk}" if committee else ""
    return {
        **context,
        "data": _dashboard_data(plan, month, committee),
        "measures": scorecard.present(scorecard.snapshot(plan, month, committee=committee)),
        "recommendations": sources.snapshot(plan, month, committee=committee)[0],
        "action_url": action_url(plan.slug),
        "chart_query": f"month={month.isoformat()}&v={plan.data_version}{narrowed}",
        "month_query": f"month={month.isoformat()}{narrowed}",
        "list_limit": summary.LIST_LIMIT,
    }


def _dashboard_data(plan, month, committee=None):
    """summary.dashboard(), worked out once for the page and both of its charts."""
    return cached(
        ("dashboard data", month, committee and committee.pk),
        plan,
        lambda: summary.dashboard(plan, month, committee=committee),
    )


@policy.rule("view")
@require_safe
def dashboard_chart(request, slug, chart):
    """A dashboard chart as an SVG image, for <img> on the page and in reports."""
    plan = _plan(slug)
    _, month = _dashboard_month(request, plan)
    committee = _dashboard_committee(request, plan)
    if month is None or chart not in ("status", "trend"):
        raise Http404

    def draw():
        data = _dashboard_data(plan, month, committee)
        if chart == "status":
            return charts.status_chart(data.overall, f"Actions by status, {month:%B %Y}")
        return charts.trend_chart(data.trend, f"Actions by RAG colour, to {month:%B %Y}")

    response = HttpResponse(
        cached(("chart", chart, month, committee and committee.pk), plan, draw), "image/svg+xml"
    )
    # pygal styles its SVG with an embedded <style>; as an image it can run no script.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    # The page asks for the chart with the plan's data version in the address.
    response["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    return response


@policy.rule("view")
@require_safe
def export_actions(request, slug, fmt):
    """The tracker's rows as shown (every page of them), as .xlsx or .csv."""
    plan = _plan(slug)
    filters = ActionFilter(request.GET, plan=plan, today=timezone.localdate(), opening=None)
    if not filters.is_valid():
        # A download cannot show what it left out, so it refuses rather than ignore a filter.
        fields = filters.form.fields
        problems = [
            f"{fields[name].label if name in fields else 'Filters'}: {' '.join(errors)}"
            for name, errors in filters.errors.items()
        ]
        return HttpResponseBadRequest(
            "The download was not made: " + "; ".join(problems), content_type="text/plain"
        )
    rows = _prepare(filters.rows(), filters)
    header, rows = export.tracker_table(rows, filters.current, filters.added_columns())
    if fmt == "csv":
        response = HttpResponse(export.to_csv(header, rows), content_type="text/csv")
    else:
        response = HttpResponse(
            export.to_xlsx(header, rows, title="Actions"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = export.content_disposition(
        export.file_name(plan, filters, fmt)
    )
    return response


@policy.rule("view")
@require_safe
def export_json(request, slug):
    """The whole plan as JSON, for other systems: the shape is in README.md."""
    plan = get_object_or_404(Plan, slug=slug)
    response = HttpResponse(
        json.dumps(export.plan_json(plan), indent=1, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}.json"'
    return response
