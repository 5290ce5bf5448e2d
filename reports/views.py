"""Committee reports: asking for one, watching it build, checking, publishing, reading and
downloading it; and the committee calendar with its publication deadlines.

Performance officers and administrators see every report; everyone else signed in sees
published ones only, and a draft is "not found" to them.

Before building, and on a draft's page and before publishing, the clerk sees what is still
missing (reports/checks.py). Building goes ahead once they say so; publishing always asks for
confirmation, naming what will be frozen and who will read it.
"""

import datetime
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reports import checks, word, wording, workflow
from reports.compose import present
from reports.forms import (
    MeetingForm,
    ReportForm,
    RiskFormSet,
    WordsForm,
    risk_initial,
    risk_rows,
)
from reports.models import DRAFT_MARK, Meeting, Report, WordingRevision
from tracker import policy, roles

# How far back the calendar shows meetings, so a clerk sees what was late recently.
CALENDAR_PAST_DAYS = 60


def _reports_for(user):
    reports = Report.objects.select_related(
        "plan", "committee", "meeting__committee", "created_by", "published_by"
    )
    return reports if policy.may_run(user) else reports.published()


def _report_or_404(request, pk):
    return get_object_or_404(_reports_for(request.user), pk=pk)


@policy.rule("view")
@require_safe
def report_list(request):
    today = timezone.localdate()
    reports = list(_reports_for(request.user))
    for report in reports:
        report.late = report.is_late(today)
    context = {"reports": reports, "today": today, "may_run": policy.may_run(request.user)}
    if context["may_run"]:
        since = today - timezone.timedelta(days=CALENDAR_PAST_DAYS)
        context["coming"], context["earlier"] = _calendar(today, since)
    return render(request, "reports/index.html", context)


def _calendar(today, since=None):
    """(coming, earlier): the meetings from `today` on, soonest first, and those before it
    (from `since`, when given), latest first; each with its reports, deadline and whether it
    is late. Two queries."""
    meetings = Meeting.objects.all() if since is None else Meeting.objects.filter(date__gte=since)
    meetings = list(
        meetings.select_related("committee").prefetch_related(
            Prefetch("reports", queryset=Report.objects.select_related("plan", "committee"))
        )
    )
    for meeting in meetings:
        meeting.report_list = list(meeting.reports.all())
        for report in meeting.report_list:
            report.meeting = meeting
            report.late = report.is_late(today)
        published = [r for r in meeting.report_list if r.is_published]
        meeting.late = (not published and today > meeting.deadline) or any(
            r.is_late(today) for r in published
        )
    coming = [meeting for meeting in meetings if meeting.date >= today]
    earlier = [meeting for meeting in meetings if meeting.date < today][::-1]
    return coming, earlier


@policy.rule("run")
@require_http_methods(["GET", "POST"])
def report_new(request):
    """Ask for a report. With something missing for its period, a POST first shows what
    (reports/check.html), whose button posts the same answers again with confirm=yes."""
    today = timezone.localdate()
    initial = {"meeting": request.GET.get("meeting")}
    form = ReportForm(request.POST or None, today=today, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        found = checks.missing(
            plan=data["plan"], period=data["period"], committee=data["committee"]
        )
        if found and request.POST.get("confirm") != "yes":
            answers = [(name, request.POST.get(name, "")) for name in form.fields]
            return render(
                request,
                "reports/check.html",
                {"form": form, "data": data, "checks": found, "answers": answers},
            )
        report = workflow.request_report(by=request.user, **data)
        return redirect(report)
    return render(request, "reports/new.html", {"form": form})


@policy.rule("view")
@require_safe
def report_detail(request, pk):
    """The report's page: for clerks its state and what they can do next; for everyone the
    report itself, rendered from its stored snapshot, with the PDF beside it."""
    report = _report_or_404(request, pk)
    report.late = report.is_late(timezone.localdate())
    may_run = policy.may_run(request.user)
    context = {
        "report": report,
        "may_run": may_run,
        "body": present(report.snapshot) if report.snapshot else None,
        "draft_mark": DRAFT_MARK,
        # What is still missing, for a draft a clerk is checking.
        "checks": checks.for_report(report)
        if may_run and report.shown_state == Report.State.READY
        else [],
    }
    if context["may_run"] and not report.is_frozen:
        words = wording.current(report)
        context["words"] = words
        context["words_changed"] = bool(report.snapshot) and wording.changed_since_build(
            report, words
        )
    return render(request, "reports/detail.html", context)


def _draft_with_figures(request, pk):
    """The draft whose words are being written, or a redirect saying why they cannot be."""
    report = _report_or_404(request, pk)
    if report.is_frozen:
        messages.info(
            request, f"This report is {report.shown_state.label.lower()}: its words are frozen."
        )
        return report, redirect(report)
    if not report.snapshot:
        messages.info(request, "Wait for the draft to be built: the words sit beside its figures.")
        return report, redirect(report)
    return report, None


def _save_words(request, report, values, form, template, context):
    """Save the words and build the draft again, or show the form with what stopped it."""
    try:
        saved = wording.save(
            report=report, values=values, versions=form.seen_versions(), by=request.user
        )
    except wording.Conflict as conflict:
        # Saving again replaces their wording (kept among the revisions) with what is typed.
        data = request.POST.copy()
        data["versions"] = json.dumps(
            {**form.seen_versions(), **{w.key: w.version for w in conflict.current}}
        )
        context["conflict"] = conflict.current
        return render(request, template, {**context, **context["rebind"](data)}, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(report)
    if not saved:
        messages.info(request, "Nothing had changed, so nothing was saved.")
    elif workflow.build_again(report):
        messages.success(request, "Saved. The draft is being built again with your words.")
    else:
        messages.success(
            request, "Saved. Build the draft again when this build ends to see your words."
        )
    return redirect(report)


@policy.rule("run")
@require_http_methods(["GET", "POST"])
def report_commentary(request, pk):
    """The officer's commentary: an executive summary, a paragraph per priority (or theme)
    and the recommendations to members, each beside the figures it is about."""
    report, refused = _draft_with_figures(request, pk)
    if refused:
        return refused
    body = present(report.snapshot)
    words = wording.current(report)
    sentences = {field.key: [group.sentence] for field, group in wording.group_fields(body)}
    reds = sum(len(actions) for _, actions in body["exceptions"])
    sentences[wording.SUMMARY.key] = [body["sentence"], body["left_out"]]
    sentences[wording.RECOMMENDATIONS.key] = [
        f"{reds} action{'s' if reds != 1 else ''} red or amber; "
        f"{len(body['completed'])} completed in {body['period_name']}."
    ]
    figures = [(field, sentences[field.key]) for field in wording.commentary_fields(body)]
    fields = [field for field, _ in figures]

    def rebind(data):
        form = WordsForm(data, fields=fields, words=words)
        form.is_valid()
        return {"form": form, "rows": _rows(form, figures, words)}

    context = {"report": report, "body": body, "rebind": rebind}
    form = WordsForm(request.POST or None, fields=fields, words=words)
    if form.is_valid():
        return _save_words(request, report, form.values(), form, "reports/commentary.html", context)
    context.update(form=form, rows=_rows(form, figures, words))
    return render(request, "reports/commentary.html", context)


def _rows(form, figures, words):
    return [(form.bound(field), lines, words.get(field.key)) for field, lines in figures]


@policy.rule("run")
@require_http_methods(["GET", "POST"])
def report_cover(request, pk):
    """The council's cover report and the implications sections, optional per report: it has
    one once any of these fields has words, starting from the defaults."""
    report, refused = _draft_with_figures(request, pk)
    if refused:
        return refused
    words = wording.current(report)
    fields = wording.COVER + wording.IMPLICATIONS
    figures = [(field, []) for field in fields]
    initial = None if wording.has_cover(words) else wording.defaults(report)
    risks = words.get(wording.RISKS)
    risk_data = risk_initial(risks.rows if risks else [])

    def rebind(data):
        form = WordsForm(data, fields=fields, words=words)
        form.is_valid()
        formset = RiskFormSet(data, prefix="risk")
        formset.is_valid()
        return {"form": form, "rows": _rows(form, figures, words), "risks": formset}

    context = {"report": report, "rebind": rebind, "has_cover": initial is None}
    if request.method == "POST" and request.POST.get("remove") == "yes":
        form = WordsForm({"versions": request.POST.get("versions", "")}, fields=fields, words=words)
        form.is_valid()
        values = {field.key: "" for field in fields} | {wording.RISKS: []}
        return _save_words(request, report, values, form, "reports/cover.html", context)
    form = WordsForm(request.POST or None, fields=fields, words=words, initial_values=initial)
    formset = RiskFormSet(request.POST or None, prefix="risk", initial=risk_data)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        values = form.values() | {wording.RISKS: risk_rows(formset)}
        return _save_words(request, report, values, form, "reports/cover.html", context)
    context.update(form=form, rows=_rows(form, figures, words), risks=formset)
    return render(request, "reports/cover.html", context)


@policy.rule("run")
@require_safe
def report_words_history(request, pk):
    """Every saved wording of the report's commentary and cover report: who, when, what."""
    report = _report_or_404(request, pk)
    revisions = (
        WordingRevision.objects.filter(wording__report=report)
        .select_related("wording", "author")
        .order_by("wording__key", "-version")
    )
    return render(request, "reports/words_history.html", {"report": report, "revisions": revisions})


@policy.rule("view")
@require_safe
def report_docx(request, pk):
    """The report as an editable Word document, made from the same snapshot as the PDF."""
    report = _report_or_404(request, pk)
    if not report.snapshot or report.state not in (Report.State.READY, Report.State.PUBLISHED):
        raise Http404("This report has no Word version yet.")
    document = word.render(report.snapshot, draft=not report.is_published)
    response = HttpResponse(document, content_type=word.CONTENT_TYPE)
    name = report.docx_name if report.is_published else f"DRAFT-{report.docx_name}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-cache"
    return response


@policy.rule("run")
@require_safe
def report_state(request, pk):
    """The report's state as JSON, for the page to follow a build without reloading."""
    report = _report_or_404(request, pk)
    state = report.shown_state
    return JsonResponse({"state": state.value, "label": state.label})


@policy.rule("view")
@require_safe
def report_pdf(request, pk):
    """The stored PDF: exactly the bytes built; the draft until published, then the published
    file, frozen."""
    report = _report_or_404(request, pk)
    stored, sha256, _, name = report.shown_file
    if not stored:
        raise Http404("This report has no PDF yet.")
    if request.headers.get("If-None-Match") == f'"{sha256}"':
        response = HttpResponseNotModified()
    else:
        response = FileResponse(stored.open("rb"), filename=name)
        response["Content-Type"] = "application/pdf"
    response["ETag"] = f'"{sha256}"'
    # A published file never changes; a draft may be rebuilt at any time.
    response["Cache-Control"] = (
        "private, max-age=31536000, immutable" if report.is_published else "private, no-cache"
    )
    return response


@policy.rule("run")
@require_POST
def report_rebuild(request, pk):
    report = _report_or_404(request, pk)
    if workflow.build_again(report):
        messages.success(request, "The report is being built again from the latest updates.")
    else:
        messages.info(request, "The report is already being built, or is published.")
    return redirect(report)


@policy.rule("run")
@require_http_methods(["GET", "POST"])
def report_publish(request, pk):
    """Publish a draft. The GET is the confirmation page: what is still missing, what will be
    frozen and who will read it; its button posts confirm=yes with the checksum of the draft
    the clerk checked. A POST without confirm=yes goes back to that page."""
    report = _report_or_404(request, pk)
    sha256 = request.POST.get("sha256") or request.GET.get("sha256") or report.draft_sha256
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            report = workflow.publish(report, by=request.user, sha256=sha256)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                "Published. Councillors can now read it and download the PDF."
                if report.is_published
                else "Being published: the PDF without its draft mark is being made from the "
                "same snapshot. Councillors can read it once that is done.",
            )
        return redirect(report)
    if request.method == "POST":
        return redirect(f"{request.path}?sha256={sha256}")
    ready = report.shown_state == Report.State.READY
    found = checks.for_report(report) if ready else []
    context = {
        "report": report,
        "ready": ready,
        "sha256": sha256,
        "checks": found,
        "missing": checks.count(found),
        "snapshot": _frozen(report.snapshot) if ready else None,
        "readers": _readers(),
    }
    return render(request, "reports/publish.html", context)


def _frozen(snapshot):
    """What a draft's snapshot holds, counted for the confirmation page."""
    measures = snapshot.get("measures", {}).get("measures", [])
    sources = snapshot.get("recommendations", [])
    return {
        "generated_at": datetime.datetime.fromisoformat(snapshot["generated_at"]),
        "actions": len(snapshot.get("actions", [])),
        "measures": len(measures),
        "recommendations": sum(len(source["recommendations"]) for source in sources),
    }


def _readers():
    """(how many people, [(role, how many)]) may read a published report: everyone signed in
    (policy.viewers), by role; someone with two roles counts under each."""
    viewers = policy.viewers()
    by_role = [(role, viewers.filter(groups__name=role).count()) for role in roles.ALL]
    return viewers.count(), [(role, n) for role, n in by_role if n]


@policy.rule("run")
@require_http_methods(["GET", "POST"])
def meeting_list(request):
    form = MeetingForm(request.POST or None)
    if form.is_valid():
        meeting = form.save()
        messages.success(
            request,
            f"Added {meeting}. Its reports are due by {meeting.deadline:%A %-d %B %Y}.",
        )
        return redirect("reports:meetings")
    coming, earlier = _calendar(timezone.localdate())
    return render(
        request, "reports/meetings.html", {"form": form, "coming": coming, "earlier": earlier}
    )


@policy.rule("run")
@require_POST
def meeting_delete(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    if meeting.reports.exists():
        messages.error(request, f"{meeting} has reports tied to it, so it stays.")
    else:
        meeting.delete()
        messages.success(request, f"Removed {meeting}.")
    return redirect("reports:meetings")
