"""Importing measures from a workbook: upload, preview (explaining unrecognised columns),
confirm. Administrators only; the reading and loading rules are in plans/measures/workbook.py,
and the job runs as an action plan's import does (plans/excel/jobs.py)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from plans.excel import jobs
from plans.measures.forms import HeadingForm, MeasureUploadForm
from plans.models import ImportJob, Plan
from tracker import policy


@policy.rule("manage")
@require_http_methods(["GET", "POST"])
def upload(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    form = MeasureUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["workbook"]
        job = ImportJob.objects.create(
            kind=ImportJob.Kind.MEASURES,
            plan=plan,
            file=uploaded,
            filename=uploaded.name,
            uploaded_by=request.user,
        )
        jobs.start(job)
        return redirect("plans:measure_import_job", plan.slug, job.pk)
    recent = ImportJob.objects.filter(kind=ImportJob.Kind.MEASURES, plan=plan).select_related(
        "uploaded_by"
    )[:10]
    return render(
        request, "plans/measures/import.html", {"plan": plan, "form": form, "recent": recent}
    )


def _job(slug, pk):
    return get_object_or_404(
        ImportJob.objects.select_related("plan"),
        kind=ImportJob.Kind.MEASURES,
        plan__slug=slug,
        pk=pk,
    )


@policy.rule("manage")
@require_http_methods(["GET", "POST"])
def job_detail(request, slug, pk):
    """The preview, with a question for each unrecognised column; or what the import did."""
    job = _job(slug, pk)
    preview = job.preview
    form = None
    if job.state == ImportJob.State.PREVIEWED and preview.get("unknown_headers"):
        form = HeadingForm(
            request.POST or None,
            unknown_headers=preview["unknown_headers"],
            undecided=preview.get("undecided_headers", []),
        )
        if request.method == "POST" and form.is_valid():
            job.header_mapping = {**job.header_mapping, **form.header_mapping()}
            jobs.preview(job)
            return redirect("plans:measure_import_job", slug, job.pk)
    elif request.method == "POST":
        return redirect("plans:measure_import_job", slug, job.pk)
    return render(
        request,
        "plans/measures/import_job.html",
        {
            "plan": job.plan,
            "job": job,
            "preview": preview,
            "form": form,
            "upload_url": reverse("plans:measure_import", args=[slug]),
            "confirm_url": reverse("plans:measure_import_confirm", args=[slug, job.pk]),
        },
    )


@policy.rule("manage")
@require_POST
def confirm(request, slug, pk):
    job = _job(slug, pk)
    if not jobs.confirm(job):
        messages.error(request, "This import cannot be confirmed: check the preview.")
    return redirect("plans:measure_import_job", slug, job.pk)
