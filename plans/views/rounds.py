"""The performance officer's pages: update rounds (open, extend, close, reopen) and the chase
list of missing updates with a button to remind officers now."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plans import owing, rounds, tasks
from plans.dates import add_months
from plans.forms import ExtendRoundForm, OpenRoundForm, RemindForm, ReopenRoundForm
from plans.models import Plan, Reminder, Round
from plans.views.updates import add_errors, month_or_404, open_round_or_none
from tracker import policy


def round_or_404(slug, year, month):
    return get_object_or_404(
        Round.objects.select_related("plan", "opened_by", "closed_by"),
        plan__slug=slug,
        month=month_or_404(year, month),
    )


@policy.rule("run")
@require_safe
def round_list(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    all_rounds = list(plan.rounds.select_related("opened_by", "closed_by"))
    current = next((r for r in all_rounds if r.is_open), None)
    return render(
        request,
        "plans/round_list.html",
        {
            "plan": plan,
            "rounds": all_rounds,
            "current": current,
            "progress": rounds.progress(current) if current else None,
        },
    )


@policy.rule("run")
@require_http_methods(["GET", "POST"])
def round_open(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    today = timezone.localdate()
    # Councils report on last month, with updates due early this month.
    initial = {"month": add_months(today.replace(day=1), -1), "due": today + datetime.timedelta(14)}
    form = OpenRoundForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            round_ = rounds.open_round(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"The {round_.month:%B %Y} round is open. Officers with actions to update are "
                "being emailed.",
            )
            return redirect(round_)
    return render(request, "plans/round_open.html", {"plan": plan, "form": form})


def detail(request, round_, *, extend_form=None, reopen_form=None, status=200):
    return render(
        request,
        "plans/round_detail.html",
        {
            "plan": round_.plan,
            "round": round_,
            # Only one round is open at a time: say so before asking why it is reopened.
            "open_round": None if round_.is_open else open_round_or_none(round_.plan),
            "progress": rounds.progress(round_),
            "extend_form": extend_form or ExtendRoundForm(initial={"due": round_.due}),
            "reopen_form": reopen_form or ReopenRoundForm(),
            "history": rounds.history(round_),
        },
        status=status,
    )


@policy.rule("run")
@require_safe
def round_detail(request, slug, year, month):
    return detail(request, round_or_404(slug, year, month))


@policy.rule("run")
@require_POST
def round_extend(request, slug, year, month):
    round_ = round_or_404(slug, year, month)
    form = ExtendRoundForm(request.POST)
    if form.is_valid():
        try:
            rounds.extend_round(round_=round_, due=form.cleaned_data["due"], by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Updates are now due by {round_.due:%-d %B %Y}.")
            return redirect(round_)
    return detail(request, round_, extend_form=form)


@policy.rule("run")
@require_http_methods(["GET", "POST"])
def round_close(request, slug, year, month):
    """Close the round. With updates still missing, a POST first goes to a page (GET) naming
    them, whose button posts the confirmation."""
    round_ = round_or_404(slug, year, month)
    missing = owing.owed(round_) if round_.is_open else []
    if request.method == "GET":
        count = owing.count_actions(missing)
        return render(
            request,
            "plans/round_close.html",
            {"plan": round_.plan, "round": round_, "missing": missing, "count": count},
        )
    if missing and request.POST.get("confirm") != "yes":
        return redirect("plans:round_close", slug, year, month)
    try:
        rounds.close_round(round_=round_, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"The {round_.month:%B %Y} round is closed. Its updates are locked; performance "
            "officers can still correct them.",
        )
    return redirect(round_)


@policy.rule("run")
@require_POST
def round_reopen(request, slug, year, month):
    round_ = round_or_404(slug, year, month)
    form = ReopenRoundForm(request.POST)
    if form.is_valid():
        try:
            rounds.reopen_round(round_=round_, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"The {round_.month:%B %Y} round is open again.")
            return redirect(round_)
    return detail(request, round_, reopen_form=form)


@policy.rule("run")
@require_safe
def chase(request, slug, year, month):
    """Missing updates by officer (or vacant post, or no lead officer at all), with when each
    officer was last reminded."""
    round_ = round_or_404(slug, year, month)
    last = {}
    for reminder in Reminder.objects.filter(round=round_).order_by("sent_at"):
        last[reminder.user_id] = reminder
    owed = owing.owed(round_)
    return render(
        request,
        "plans/chase.html",
        {
            "plan": round_.plan,
            "round": round_,
            "owing": [
                (owner, last.get(owner.person.pk) if owner.person else None) for owner in owed
            ],
            "count": owing.count_actions(owed),
            "may_manage": policy.may_manage(request.user),
        },
    )


def _names(people):
    """ "A, B and C"."""
    names = [str(person) for person in people]
    return ", ".join(names[:-1]) + " and " + names[-1]


@policy.rule("run")
@require_POST
def remind(request, slug, year, month):
    """Email one officer (or, with nobody chosen, every officer) with missing updates now,
    and say exactly who is being emailed and who cannot be. At most one such reminder a day
    per person."""
    round_ = round_or_404(slug, year, month)
    form = RemindForm(request.POST)
    if not round_.is_open:
        messages.error(request, "The round is closed, so no reminders go out.")
        return redirect("plans:chase", slug, year, month)
    if not form.is_valid():
        messages.error(request, "Choose an officer to remind.")
        return redirect("plans:chase", slug, year, month)
    owed = owing.owed(round_)
    if chosen := form.cleaned_data["user"]:
        owed = [owner for owner in owed if owner.person == chosen]
        if not owed:
            messages.info(request, f"{chosen} owes no {round_.month:%B %Y} updates now.")
            return redirect("plans:chase", slug, year, month)
    people, reasons = owing.reachable(round_, owed, timezone.localdate())
    for person in people:
        tasks.send_reminder.enqueue(round_.pk, person.pk, Reminder.Kind.CHASE, request.user.pk)
    if len(people) == 1:
        told = f"1 reminder email on its way, to {people[0]}."
    elif people:
        told = f"{len(people)} reminder emails on their way, to {_names(people)}."
    else:
        told = "No reminder emails were sent."
    if reasons:
        told += f" Not reminded: {'; '.join(reasons)}."
    (messages.success if people else messages.warning)(request, told)
    return redirect("plans:chase", slug, year, month)
