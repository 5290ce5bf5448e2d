"""Workbooks in and out: upload, preview (mapping unknown status words), confirm; and
downloading a whole plan in the tracker layout. Jobs of both kinds run through
plans/excel/jobs.py, and `progress` answers for both."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from plans.excel import jobs, periods
from plans.excel.forms import (
    LeadOfficerForm,
    MappingForm,
    SheetsForm,
    UploadForm,
    month_labels,
    read_as,
)
from plans.excel.write import export_plan
from plans.models import ImportJob, Plan
from tracker import policy


@policy.rule("manage")
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        workbook = form.cleaned_data["workbook"]
        job = ImportJob.objects.create(
            plan=form.cleaned_data["plan"],
            new_plan_name=form.cleaned_data["new_plan_name"].strip(),
            file=workbook,
            filename=workbook.name,
            uploaded_by=request.user,
        )
        jobs.start(job)
        return redirect("plans:import_job", pk=job.pk)
    # Imports of measures are listed on their own page (plans/measures/import_views.py).
    recent = ImportJob.objects.filter(kind=ImportJob.Kind.ACTIONS).select_related(
        "plan", "uploaded_by"
    )[:10]
    return render(request, "plans/import_upload.html", {"form": form, "recent": recent})


@policy.rule("manage")
def job_detail(request, pk):
    """The preview, with a question for each unknown status word and the table of what each
    column becomes, any row of which can be changed; or the import's progress."""
    job = get_object_or_404(
        ImportJob.objects.select_related("plan"), kind=ImportJob.Kind.ACTIONS, pk=pk
    )
    preview = job.preview
    form = sheets_form = lead_form = None
    if job.state == ImportJob.State.PREVIEWED and len(preview.get("lead_officer_columns", [])) > 1:
        lead_form = LeadOfficerForm(
            request.POST if LeadOfficerForm.prefix + "-column" in request.POST else None,
            preview=preview,
        )
        if lead_form.is_bound and lead_form.is_valid():
            job.lead_officer_from = lead_form.cleaned_data["column"]
            jobs.preview(job)
            return redirect("plans:import_job", pk=job.pk)
    if job.state == ImportJob.State.PREVIEWED and preview.get("sheets"):
        sheets_form = SheetsForm(
            request.POST if SheetsForm.prefix + "-submitted" in request.POST else None,
            sheets=preview["sheets"],
            skipped=job.skipped_sheets,
        )
        if sheets_form.is_bound and sheets_form.is_valid():
            job.skipped_sheets = sheets_form.skipped()
            jobs.preview(job)
            return redirect("plans:import_job", pk=job.pk)
    questions = ("columns", "month_needed", "year_needed")
    if job.state == ImportJob.State.PREVIEWED and any(preview.get(key) for key in questions):
        form = MappingForm(request.POST or None, preview=preview, plan=job.plan)
        if request.method == "POST" and form.is_valid():
            job.status_mapping = {**job.status_mapping, **form.status_mapping()}
            job.header_mapping = {**job.header_mapping, **form.header_mapping()}
            for name, value in form.periods_given().items():
                setattr(job, name, value)
            jobs.preview(job)
            return redirect("plans:import_job", pk=job.pk)
    elif request.method == "POST":
        return redirect("plans:import_job", pk=job.pk)
    return render(
        request,
        "plans/import_job.html",
        {
            "job": job,
            "preview": job.preview,
            "form": form,
            "sheets_form": sheets_form,
            "lead_form": lead_form,
            "upload_url": reverse("plans:import"),
            "confirm_url": reverse("plans:import_confirm", args=[job.pk]),
            "months": month_labels(job.preview.get("months", [])),
            "column_rows": [
                (column, read_as(column["becomes"], periods.plan_quarter_month(job.plan)))
                for column in job.preview.get("columns", [])
            ],
        },
    )


@policy.rule("manage")
@require_POST
def confirm(request, pk):
    job = get_object_or_404(ImportJob, kind=ImportJob.Kind.ACTIONS, pk=pk)
    if not jobs.confirm(job):
        messages.error(request, "This import cannot be confirmed: check the preview.")
    return redirect("plans:import_job", pk=job.pk)


@policy.rule("manage")
@require_safe
def progress(request, pk):
    """How an import of either kind is going, for the job page's progress bar."""
    job = get_object_or_404(ImportJob, pk=pk)
    return JsonResponse(
        {"state": job.state, "label": job.get_state_display(), "progress": job.progress}
    )


@policy.rule("view")
@require_safe
def download(request, slug):
    """The whole plan as a workbook in the tracker layout, which imports back unchanged."""
    plan = get_object_or_404(Plan, slug=slug)
    response = HttpResponse(
        export_plan(plan),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}.xlsx"'
    return response
