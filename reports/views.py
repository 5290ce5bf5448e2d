"""Committee reports: asking for one, watching it build, checking, publishing, reading and
downloading it; and the committee calendar with its publication deadlines.

Performance officers and administrators see every report; everyone else signed in sees
published ones only, and a draft is "not found" to them.

Before building, and on a draft's page and before publishing, the clerk sees what is still
missing (reports/checks.py). Building goes ahead once they say so; publishing always asks for
confirmation, naming what will be frozen and who will read it.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reports import checks, workflow
from reports.compose import present
from reports.forms import MeetingForm, ReportForm
from reports.models import DRAFT_MARK, Meeting, Report
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
    return render(request, "reports/detail.html", context)


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
            workflow.publish(report, by=request.user, sha256=sha256)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, "Published. Councillors can now read it and download the PDF."
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
