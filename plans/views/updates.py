"""Writing progress: one action's update, all my actions at once, evidence files, sign-off and
delegation. Every view asks the policy about the action it touches; the rules about saving
(locks, conflicts, evidence) live in plans/updates.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_safe

from plans import dates, owing, rounds, updates
from plans.forms import DelegateForm, ReviewForm, RowForm, UpdateForm
from plans.models import Action, Evidence, Plan, Review, Round, Update
from plans.templatetags.browse import shorten
from tracker import policy
from tracker.models import User


def month_or_404(year, month):
    try:
        return dates.checked_month(year, month)
    except ValueError as error:
        raise Http404(str(error)) from None


def action_to_update(request, slug, ref):
    """The action, if the user may write its updates: 404 when there is no such action, 403
    when it is not theirs."""
    action = get_object_or_404(
        Action.objects.select_related("plan", "theme", "workstream", "director"),
        plan__slug=slug,
        ref=ref,
    )
    if not policy.may_update(request.user, action):
        raise PermissionDenied
    return action


def add_errors(form, error):
    """Put a ValidationError from plans/updates.py on the form fields it names."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@policy.rule("update")
@require_http_methods(["GET", "POST"])
def update_action(request, slug, ref, year, month):
    """One action's update for a month: status, narrative, projected date, evidence."""
    action = action_to_update(request, slug, ref)
    month = month_or_404(year, month)
    round_ = Round.objects.filter(plan=action.plan, month=month).first()
    current = (
        Update.objects.filter(action=action, month=month)
        .select_related("status", "author", "on_behalf_of")
        .first()
    )
    context = {
        "action": action,
        "month": month,
        "round": round_,
        "current": current,
        "previous": updates.previous_update(action, month),
        "evidence": list(current.evidence.all()) if current else [],
        "returned": current.reviews.last()
        if current and current.approval == Update.Approval.RETURNED
        else None,
    }
    has_children = action.children.exists()
    if not action.rates_itself(has_children):
        context["rollup"], context["no_update"] = rounds.rollup(action, month)
        context["children"] = action.children.order_by("sort_order", "ref")
        return render(request, "plans/update_rollup.html", context)
    locked = updates.lock_reason(request.user, month, round_)
    if locked and request.method == "GET":
        return render(request, "plans/update_locked.html", {**context, "locked": locked})
    statuses = list(action.plan.statuses.offered())
    options = {
        "action": action,
        "month": month,
        "statuses": statuses,
        "previous": context["previous"],
        "current": current,
        "correction": updates.is_correction(request.user, round_),
        # Evidence given in an earlier month still stands while the status does.
        "has_evidence": bool(context["evidence"])
        or bool(
            context["previous"]
            and updates.evidence_stands(action, month, context["previous"].status)
        ),
        "confirmed": updates.confirmed_warnings(current),
    }
    if request.method == "GET":
        return render(request, "plans/update_form.html", {**context, "form": UpdateForm(**options)})
    form = UpdateForm(request.POST, request.FILES, **options)
    if locked:
        # The round closed while they wrote: refuse, but show their words so none are lost.
        form.is_valid()
        form.add_error(None, f"{locked} Nothing was saved; your text is below to copy.")
        return render(request, "plans/update_form.html", {**context, "form": form}, status=403)
    if "suggest" in request.POST:
        # Re-shows what was typed, with the status the date suggests; saves nothing.
        form = UpdateForm(initial=form.as_initial(), **options)
        return render(request, "plans/update_form.html", {**context, "form": form})
    if not form.is_valid():
        return render(request, "plans/update_form.html", {**context, "form": form})
    try:
        update, changed = updates.submit_update(
            action=action,
            month=month,
            by=request.user,
            statuses=statuses,
            has_children=has_children,
            **form.submission(),
        )
    except updates.Conflict as conflict:
        data = request.POST.copy()
        data["version"] = conflict.current.version if conflict.current else 0
        context["conflict"] = conflict.current
        context["lost_file"] = bool(request.FILES)
        form = UpdateForm(data, **options)
        return render(request, "plans/update_form.html", {**context, "form": form}, status=409)
    except updates.Locked as refused:
        form.add_error(None, f"{refused} Nothing was saved; your text is below to copy.")
        return render(request, "plans/update_form.html", {**context, "form": form}, status=403)
    except ValidationError as error:
        add_errors(form, error)
        return render(request, "plans/update_form.html", {**context, "form": form})
    text = saved_message(update, changed)
    if round_ is not None and round_.is_open:
        text = format_html("{} {}", text, next_owed(request.user, round_))
    messages.success(request, text)
    return redirect(action)


def saved_message(update, changed):
    already = "".join(
        f" “{name}” was already attached, so it was not added again."
        for name in update.already_attached
    )
    if not changed:
        return f"{update.action.ref}: nothing had changed, so nothing new was saved.{already}"
    text = f"{update.action.ref}: your {update.month:%B %Y} update is saved"
    if update.approval == Update.Approval.SUBMITTED:
        text += " and waits for sign-off"
    text += "."
    if update.self_rated_differently:
        text += (
            f" You rated it “{update.status}”; the dates suggest “{update.suggested_status}”."
            " Both are recorded."
        )
    return text + already


def next_owed(user: User, round_: Round) -> str:
    """A sentence linking to the next update `user` owes in `round_`, with how many are left."""
    left = owing.due_in(round_, user)
    if not left:
        return f"That was the last update you owed for {round_.month:%B %Y}."
    following = left[0]
    return format_html(
        'Next action you owe: <a class="govuk-notification-banner__link" href="{}">{}</a> '
        "({} left to update).",
        following.update_url(round_.month),
        shorten(str(following), 80),
        len(left),
    )


def open_round_or_none(plan):
    return Round.objects.filter(plan=plan).open().first()


@policy.rule("update")
@require_http_methods(["GET", "POST"])
def update_all(request, slug):
    """Every action the officer may update in the open round, saved with one button. Rows left
    blank are skipped; a row with a problem is shown again with it, and the rest are saved."""
    plan = get_object_or_404(Plan, slug=slug)
    round_ = open_round_or_none(plan)
    if round_ is None and request.method == "POST":
        # The round closed while the page was open: show each row's words with the reason
        # they were not saved, rather than dropping them.
        round_ = plan.rounds.order_by("-month").first()
    if round_ is None:
        return render(request, "plans/update_all.html", {"plan": plan, "round": None})
    round_.plan = plan
    statuses = list(plan.statuses.offered())
    rows = my_rows(request.user, round_)
    saved = 0
    if request.method == "POST":
        saved = save_rows(request, round_, rows, statuses)
        if saved is None:
            messages.info(request, "Nothing was saved: fill in at least one action first.")
            return redirect("plans:update_all", plan.slug)
        if not any(row.get("form") and row["form"].is_bound for row in rows):
            messages.success(request, f"Saved {saved} update{pluralize(saved)}.")
            return redirect("plans:update_all", plan.slug)
    else:
        for row in rows:
            if row["editable"]:
                row["form"] = row_form(row, statuses)
    return render(
        request,
        "plans/update_all.html",
        {
            "plan": plan,
            "round": round_,
            "rows": rows,
            "statuses": statuses,
            "problems": [row for row in rows if row.get("form") and row["form"].is_bound],
            "needed": sum(1 for row in rows if row["owed"] and row["editable"]),
            "editable": any(row["editable"] for row in rows),
            "done": sum(1 for row in rows if not row["editable"]),
            "saved": saved,
        },
    )


def my_rows(user, round_):
    """[{action, previous, current, editable}] for each action the user may update in the
    round. Four queries whatever the number of actions."""
    month = round_.month
    latest_before = (
        Update.objects.filter(action=OuterRef("pk"), month__lt=month)
        .order_by("-month")
        .values("pk")[:1]
    )
    needing = Action.objects.needing_update(round_)
    actions = list(
        Action.objects.updatable_by(user)
        .rateable(round_.plan)
        .select_related("plan")
        .annotate(
            previous_id=Subquery(latest_before),
            # Not needing one: updated already, or done (or so set) in an earlier month.
            needing=Exists(needing.filter(pk=OuterRef("pk"))),
            # Owed by the user (or whoever they cover for): the home page's list.
            owed=Exists(needing.answerable_by(owing.covered_by(user)).filter(pk=OuterRef("pk"))),
        )
        .order_by("sort_order", "ref")
    )
    wanted = [a.previous_id for a in actions if a.previous_id]
    previous = Update.objects.select_related("status").in_bulk(wanted)
    current = {
        u.action_id: u
        for u in Update.objects.filter(action__in=actions, month=month).select_related("status")
    }
    rows = []
    for action in actions:
        this = current.get(action.pk)
        rows.append(
            {
                "action": action,
                "previous": previous.get(action.previous_id),
                "current": this,
                "editable": action.needing,
                "owed": action.owed,
                "url": action.update_url(month),
                "month": month,
            }
        )
    return rows


def row_form(row, statuses, data=None):
    return RowForm(
        data,
        prefix=f"a{row['action'].pk}",
        action=row["action"],
        month=row["month"],
        statuses=statuses,
        previous=row["previous"],
        current=row["current"],
    )


def save_rows(request, round_, rows, statuses):
    """Validate and save the filled-in rows, leaving each row with a problem holding its bound
    form. Returns how many were saved, or None when no row was filled in."""
    filled = []
    for row in rows:
        form = row_form(row, statuses, request.POST)
        # A row saved by someone else since the page was loaded still counts: its words
        # must not vanish, so it goes on to be refused as a conflict.
        if not row["editable"] and f"{form.prefix}-version" not in request.POST:
            continue
        if form.is_blank():
            if row["editable"]:
                row["form"] = row_form(row, statuses)
            continue
        row["form"] = form
        filled.append(row)
    if not filled:
        return None
    valid = [row for row in filled if row["form"].is_valid()]
    results = updates.submit_many(
        by=request.user,
        month=round_.month,
        statuses=statuses,
        rows=[
            {"action": row["action"], "has_children": False, **row["form"].submission()}
            for row in valid
        ],
    )
    saved = 0
    for row in valid:
        update, problem = results[row["action"].pk]
        if problem is None:
            saved += 1
            row.update(current=update, editable=False, form=None)
        elif isinstance(problem, updates.Conflict):
            data = request.POST.copy()
            version = problem.current.version if problem.current else 0
            data[f"{row['form'].prefix}-version"] = version
            row.update(conflict=problem.current, editable=True)
            row["form"] = row_form(row, statuses, data)
        elif isinstance(problem, updates.Locked):
            add_errors(
                row["form"],
                ValidationError(f"{problem} Nothing was saved; your text is below to copy."),
            )
        else:
            add_errors(row["form"], problem)
    return saved


@policy.rule("view")
@require_safe
def evidence_file(request, slug, pk):
    """An evidence file, to anyone who may read the update it backs up. Files are stored
    outside the static files and served only here, always as a download."""
    item = get_object_or_404(
        Evidence.objects.filter(update__in=Update.objects.visible_to(request.user)),
        pk=pk,
        update__action__plan__slug=slug,
    )
    if not item.file:
        raise Http404
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.filename or item.file.name.rsplit("/", 1)[-1],
        content_type=item.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@policy.rule("update")
@require_http_methods(["GET", "POST"])
def review(request, slug, ref, year, month):
    """Sign-off: approve an update, or return it to the officer saying what needs changing."""
    action = get_object_or_404(
        Action.objects.select_related("plan", "director"), plan__slug=slug, ref=ref
    )
    update = get_object_or_404(
        Update.objects.select_related("status", "author", "on_behalf_of"),
        action=action,
        month=month_or_404(year, month),
    )
    if not policy.may_approve(request.user, action, update.author):
        raise PermissionDenied
    form = ReviewForm(
        request.POST if request.method == "POST" else None, initial={"version": update.version}
    )
    if form.is_valid():
        try:
            updates.review_update(
                update=update,
                by=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except updates.Conflict as conflict:
            messages.warning(
                request,
                "The officer changed this update while you were reading it. Read the new "
                "wording below before you decide.",
            )
            update = conflict.current
            form = ReviewForm(initial={"version": update.version})
        except ValidationError as error:
            add_errors(form, error)
        else:
            decision = dict(Review.Decision.choices)[form.cleaned_data["decision"]]
            messages.success(request, f"{action.ref} {update.month:%B %Y}: {decision.lower()}.")
            return redirect("plans:sign_off", action.plan.slug)
    return render(
        request,
        "plans/update_review.html",
        {
            "action": action,
            "update": update,
            "form": form,
            "reviews": update.reviews.select_related("by"),
            "evidence": update.evidence.all(),
        },
    )


@policy.rule("update")
@require_safe
def sign_off(request, slug):
    """Updates awaiting the user's sign-off, and the user's own updates returned to them."""
    plan = get_object_or_404(Plan, slug=slug)
    in_plan = Update.objects.filter(action__plan=plan).select_related(
        "action", "status", "author", "on_behalf_of"
    )
    awaiting = in_plan.filter(approval=Update.Approval.SUBMITTED).exclude(author=request.user)
    if not policy.may_run(request.user):
        awaiting = awaiting.filter(action__director__holders=request.user)
    latest_note = Review.objects.filter(update=OuterRef("pk")).order_by("-at").values("note")[:1]
    returned = (
        in_plan.filter(
            approval=Update.Approval.RETURNED,
            action__in=Action.objects.updatable_by(request.user),
        )
        .annotate(note=Subquery(latest_note))
        .order_by("action__sort_order", "action__ref")
    )
    return render(
        request,
        "plans/update_sign_off.html",
        {
            "plan": plan,
            "awaiting": awaiting.order_by("action__sort_order", "action__ref"),
            "returned": returned,
        },
    )


@policy.rule("update")
@require_http_methods(["GET", "POST"])
def delegate(request):
    """Name someone who may update your actions while you are away."""
    form = DelegateForm(request.POST if request.method == "POST" else None, instance=request.user)
    if form.is_valid():
        form.save()
        chosen = form.cleaned_data["delegate"]
        messages.success(
            request,
            f"{chosen} can now update your actions."
            if chosen
            else "You have no delegate: only you can update your actions.",
        )
        return redirect("home")
    return render(
        request,
        "plans/update_delegate.html",
        {"form": form, "delegators": request.user.delegators.order_by("last_name")},
    )
