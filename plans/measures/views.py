"""Measures: the list with each one's latest figure and a small trend, a measure's page with its
whole series and commentary history, their charts, and entering a value in the update round.
Reading is for everyone signed in; the rules about saving live in plans/measures/values.py."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from plans import charts, summary
from plans.measures import rating, scorecard
from plans.measures.forms import MeasureValueForm
from plans.measures.values import (
    Conflict,
    Locked,
    asked_period,
    is_correction,
    lock_reason,
    submit_value,
)
from plans.models import (
    Measure,
    MeasureTarget,
    MeasureValue,
    MeasureValueRevision,
    Plan,
    Round,
)
from plans.views.updates import add_errors, month_or_404
from tracker import policy

CHART_SECONDS = 120


def _plan(slug):
    """The plan, with `open_round_month` (None when no round is open). One query."""
    return get_object_or_404(summary.plans_with_round(), slug=slug)


def _updatable(user, plan):
    """Ids of the plan's measures the user may enter values for (at most two queries)."""
    if not policy.may_update_any(user):
        return set()
    found = Measure.objects.filter(plan=plan)
    if not policy.may_run(user):
        found = found.updatable_by(user)
    return set(found.values_list("pk", flat=True))


def _asked(line, month):
    """The period the open round (for `month`) asks `line`'s measure for, and whether its
    value is in."""
    if month is None:
        return None, False
    period = rating.latest_complete(month, line.measure.frequency)
    return period, any(p.period == period and p.value is not None for p in line.points)


@policy.rule("view")
@require_safe
def measure_list(request, slug):
    """Every measure of the plan under its priority or theme: latest figure, its target and
    rating, a small trend, and, in an open round, whether this round's figure is in."""
    plan = _plan(slug)
    found = scorecard.lines(Measure.objects.filter(plan=plan))
    mine = _updatable(request.user, plan)
    for line in found:
        line.asked, line.received = _asked(line, plan.open_round_month)
        line.mine = line.measure.pk in mine
    return render(
        request,
        "plans/measures/list.html",
        {
            "plan": plan,
            "groups": scorecard.grouped(found),
            "scorecard": scorecard.Scorecard(plan.open_round_month, found),
            "open_month": plan.open_round_month,
            "owed": [line for line in found if line.mine and line.asked and not line.received],
            "may_manage": policy.may_manage(request.user),
        },
    )


def _measure(slug, pk):
    return get_object_or_404(
        Measure.objects.select_related("plan", "priority", "theme", "owner"),
        plan__slug=slug,
        pk=pk,
    )


@policy.rule("view")
@require_safe
def measure_detail(request, slug, pk):
    """One measure: what it is, its whole series as a chart and a table with the targets, and
    every wording of every value (the commentary history)."""
    found = scorecard.lines(Measure.objects.filter(plan__slug=slug, pk=pk).select_related("plan"))
    if not found:
        raise Http404("No such measure")
    line = found[0]
    measure = line.measure
    revisions = (
        MeasureValueRevision.objects.filter(entry__measure=measure)
        .select_related("entry", "author", "on_behalf_of")
        .order_by("-entry__period", "-version")
    )
    history = []
    for revision in revisions:
        if not history or history[-1][0] != revision.entry.period:
            history.append((revision.entry.period, []))
        history[-1][1].append(revision)
    enter = None
    if policy.may_update(request.user, measure):
        round_ = Round.objects.open().filter(plan=measure.plan_id).first()
        enter = asked_period(measure, round_)
    return render(
        request,
        "plans/measures/detail.html",
        {
            "plan": measure.plan,
            "measure": measure,
            "line": line,
            "points": line.points[::-1],
            "history": history,
            "committees": list(measure.committees.order_by("name")),
            "enter": enter,
            "entered": any(p.period == enter and p.value is not None for p in line.points),
            "may_correct": policy.may_run(request.user),
        },
    )


@policy.rule("view")
@require_safe
def measure_chart(request, slug, pk, chart):
    """A measure's series as an SVG image: "series" in full with its title, or "trend", small,
    for the list."""
    if chart not in ("series", "trend"):
        raise Http404
    measure = _measure(slug, pk)
    targets = {t.period: t.target for t in MeasureTarget.objects.filter(measure=measure)}
    values = {v.period: v for v in MeasureValue.objects.filter(measure=measure)}
    points = scorecard.series(measure, targets, values)
    if chart == "trend":
        points = points[-scorecard.TREND_POINTS :]
    svg = charts.measure_chart(
        points,
        unit=measure.unit,
        frequency=measure.frequency,
        title="" if chart == "trend" else f"{measure.name}: figures and targets",
        small=chart == "trend",
    )
    return _svg(svg)


@policy.rule("view")
@require_safe
def scorecard_chart(request, slug):
    """How many measures are on, near and off target as at `?month=YYYY-MM-01` (this month
    when not given), as an SVG image for the dashboard."""
    plan = get_object_or_404(Plan, slug=slug)
    try:
        month = datetime.date.fromisoformat(request.GET.get("month", "")).replace(day=1)
    except ValueError:
        month = timezone.localdate().replace(day=1)
    card = scorecard.present(scorecard.snapshot(plan, month))
    return _svg(charts.measures_chart(card.rows(), f"Measures against target, {month:%B %Y}"))


def _svg(svg):
    response = HttpResponse(svg, "image/svg+xml")
    # pygal styles its SVG with an embedded <style>; as an image it can run no script.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    # Pages ask for charts with the plan's data version in the address.
    response["Cache-Control"] = f"private, max-age={CHART_SECONDS}"
    return response


@policy.rule("update")
@require_http_methods(["GET", "POST"])
def measure_value(request, slug, pk, year, month):
    """A measure's figure and commentary for one period, in the open update round."""
    measure = _measure(slug, pk)
    if not policy.may_update(request.user, measure):
        raise PermissionDenied
    period = month_or_404(year, month)
    if not rating.is_period_start(period, measure.frequency):
        raise Http404("Not the start of one of this measure's periods")
    round_ = Round.objects.open().filter(plan=measure.plan_id).first()
    current = (
        MeasureValue.objects.filter(measure=measure, period=period)
        .select_related("author", "on_behalf_of")
        .first()
    )
    target = MeasureTarget.objects.filter(measure=measure, period=period).first()
    previous = (
        MeasureValue.objects.filter(measure=measure, period__lt=period).order_by("-period").first()
    )
    context = {
        "plan": measure.plan,
        "measure": measure,
        "period": period,
        "round": round_,
        "current": current,
        "target": target,
        "previous": previous,
        "previous_target": previous
        and MeasureTarget.objects.filter(measure=measure, period=previous.period).first(),
    }
    locked = lock_reason(request.user, measure, period, round_)
    if locked and request.method == "GET":
        return render(request, "plans/measures/value.html", {**context, "locked": locked})
    options = {
        "measure": measure,
        "current": current,
        "correction": is_correction(request.user, measure, period, round_),
    }
    if request.method == "GET":
        form = MeasureValueForm(**options)
        return render(request, "plans/measures/value.html", {**context, "form": form})
    form = MeasureValueForm(request.POST, **options)
    if locked:
        # The round moved on while they wrote: refuse, but show their words so none are lost.
        form.is_valid()
        form.add_error(None, f"{locked} Nothing was saved; your text is below to copy.")
        return render(request, "plans/measures/value.html", {**context, "form": form}, status=403)
    if not form.is_valid():
        return render(request, "plans/measures/value.html", {**context, "form": form})
    try:
        entry, changed = submit_value(
            measure=measure, period=period, by=request.user, **form.submission()
        )
    except Conflict as conflict:
        data = request.POST.copy()
        data["version"] = conflict.current.version if conflict.current else 0
        context["conflict"] = conflict.current
        form = MeasureValueForm(data, **options)
        return render(request, "plans/measures/value.html", {**context, "form": form}, status=409)
    except Locked as refused:
        form.add_error(None, f"{refused} Nothing was saved; your text is below to copy.")
        return render(request, "plans/measures/value.html", {**context, "form": form}, status=403)
    except ValidationError as error:
        add_errors(form, error)
        return render(request, "plans/measures/value.html", {**context, "form": form})
    label = measure.period_label(period)
    if changed:
        messages.success(request, f"{measure.name}: the {label} figure is saved.")
    else:
        messages.success(request, f"{measure.name}: nothing had changed, so nothing new was saved.")
    return redirect("plans:measure", measure.plan.slug, measure.pk)
