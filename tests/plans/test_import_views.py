"""Importing through the web: upload, preview, map, confirm; and bad files refused whole."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.excel.forms import MappingForm
from plans.models import Action, ImportJob, Plan, Update
from tests import workbooks


def upload(client, content, name="plan.xlsx", **data):
    data.setdefault("new_plan_name", "Improvement Plan")
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse("plans:import"), {"workbook": file, **data}, follow=True)


def sample_bytes():
    with open(workbooks.SAMPLE, "rb") as file:
        return file.read()


def test_an_administrator_uploads_previews_maps_and_confirms(client_for):
    admin = client_for("admin")
    page = upload(admin, sample_bytes(), "tracker.xlsx").content.decode()
    assert "What this import would do" in page
    assert "“New Action Added” means" in page
    assert "Theme 1 -Organisational Culture!K13" in page
    assert "Confirm and import" not in page
    assert not Action.objects.exists()

    job = ImportJob.objects.get()
    page = admin.post(
        reverse("plans:import_job", args=[job.pk]), {"status_0": "Not due to start"}, follow=True
    ).content.decode()
    assert "Confirm and import" in page
    assert not Action.objects.exists()

    page = admin.post(reverse("plans:import_confirm", args=[job.pk]), follow=True).content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert "22 actions created" in page
    plan = Plan.objects.get(name="Improvement Plan")
    assert job.plan == plan
    assert plan.actions.count() == 22
    assert Update.objects.filter(action__plan=plan).count() == 44


def test_confirming_twice_imports_once(client_for):
    admin = client_for("admin")
    upload(admin, sample_bytes())
    job = ImportJob.objects.get()
    admin.post(reverse("plans:import_job", args=[job.pk]), {"status_0": "Not due to start"})
    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    assert Plan.objects.count() == 1 and Action.objects.count() == 22


def test_a_get_to_confirm_changes_nothing(client_for):
    admin = client_for("admin")
    upload(admin, sample_bytes())
    job = ImportJob.objects.get()
    assert admin.get(reverse("plans:import_confirm", args=[job.pk])).status_code == 405
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"Ref,Action\nA1,Something\n", "plan.xlsx", "This is not an Excel .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "plan.xlsx", "password-protected"),
        (b"PK\x03\x04 truncated", "plan.xlsx", "damaged"),
        (b"anything", "plan.ods", "Choose an Excel workbook saved as .xlsx, or a CSV file"),
        (b"anything", "plan.csv", "No column headed Ref"),
        (b"Ref,Action\x00\x01", "plan.csv", "not a CSV text file"),
    ],
)
def test_bad_files_get_a_clear_message_and_nothing_is_written(client_for, content, name, message):
    page = upload(client_for("admin"), content, name).content.decode()
    assert message in page
    assert not Plan.objects.exists() and not Action.objects.exists()


def test_a_file_over_the_limit_is_refused(client_for, settings):
    settings.IMPORT_MAX_BYTES = 1000
    page = upload(client_for("admin"), sample_bytes()).content.decode()
    assert "the largest that can be imported is 1000" in page.replace("\xa0", " ")
    assert not ImportJob.objects.exists()


def test_a_workbook_without_a_ref_column_is_refused_saying_why(client_for):
    book = workbooks.workbook_bytes({"Sheet1": [["Name", "Owner"], ["Something", "Someone"]]})
    page = upload(client_for("admin"), book.getvalue()).content.decode()
    assert "No column headed Ref" in page
    assert "Confirm and import" not in page
    assert not Plan.objects.exists()


def test_huge_cells_and_formulas_are_reported_as_warnings(client_for):
    book = workbooks.workbook_bytes(
        {
            "Plan": [
                ["Ref", "Action", "Status (January 2024)", "Update (January 2024)"],
                ["A1", '=HYPERLINK("http://evil.example")', "On track", "LONG-TEXT"],
            ]
        }
    )
    book = workbooks.replace_text(book, "LONG-TEXT", "x" * 100_000)
    admin = client_for("admin")
    page = upload(admin, book.getvalue()).content.decode()
    assert "it was truncated to the first 32,767" in page
    assert "read as the formula&#x27;s text, not calculated" in page
    job = ImportJob.objects.get()
    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    action = Action.objects.get(ref="A1")
    assert action.title == '=HYPERLINK("http://evil.example")'
    assert len(action.updates.get().narrative) == 32_767


def test_importing_into_an_existing_plan_shows_changes(client_for, plan):
    admin = client_for("admin")
    upload(admin, sample_bytes(), plan=plan.pk, new_plan_name="")
    job = ImportJob.objects.get()
    admin.post(reverse("plans:import_job", args=[job.pk]), {"status_0": "Not due to start"})
    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    assert plan.actions.count() == 22
    upload(admin, sample_bytes(), plan=plan.pk, new_plan_name="")
    page = admin.get(
        reverse("plans:import_job", args=[ImportJob.objects.first().pk])
    ).content.decode()
    assert "22 unchanged" in page


def test_progress_is_reported_for_a_running_import(client_for):
    admin = client_for("admin")
    upload(admin, sample_bytes())
    job = ImportJob.objects.get()
    job.state, job.progress = ImportJob.State.RUNNING, 40
    job.save()
    page = admin.get(reverse("plans:import_job", args=[job.pk])).content.decode()
    assert 'value="40"' in page
    answer = admin.get(reverse("plans:import_progress", args=[job.pk])).json()
    assert answer == {"state": "running", "label": "Running", "progress": 40}


def test_only_administrators_may_import(client_for):
    for role in ("councillor", "lead", "clerk"):
        response = client_for(role).post(
            reverse("plans:import"),
            {"workbook": SimpleUploadedFile("p.xlsx", sample_bytes()), "new_plan_name": "X"},
        )
        assert response.status_code == 403
    assert not ImportJob.objects.exists()


def brag_workbook():
    """A layout whose month columns use a word the reader does not know ("Colour"), and an
    extra column ("Benefits") it cannot place."""
    return workbooks.workbook_bytes(
        {
            "Plan": [
                ["Ref", "Action", "Benefits", "Jan-24 Colour", "Jan-24 Commentary"],
                ["A1", "Open the new library", "More visitors", "On track", "Builders on site."],
                ["A2", "Close the old depot", "Savings", "Complete", "Done."],
            ]
        }
    ).getvalue()


def as_sent(job, **changes):
    """What the preview page's form sends as a browser would: every select of the mapping
    table as shown, with `changes` ({field name: value}) made by the administrator."""
    form = MappingForm(preview=job.preview, plan=job.plan)
    data = {name: form[name].initial or "" for name in form.fields}
    return {**data, **changes}


def test_unknown_columns_are_asked_about_and_the_answers_remembered(client_for, plan):
    admin = client_for("admin")
    page = upload(admin, brag_workbook(), plan=plan.pk, new_plan_name="").content.decode()
    assert "Column D “Jan-24 Colour” becomes" in page
    assert "Column C “Benefits” becomes" in page
    assert "Not recognised: left out unless you choose" in page
    assert "Confirm and import" not in page  # a column naming a month must be answered
    job = ImportJob.objects.get()
    page = admin.post(
        reverse("plans:import_job", args=[job.pk]),
        as_sent(job, column_2="outcome", column_3="status"),
        follow=True,
    ).content.decode()
    assert "Confirm and import" in page
    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    library = Action.objects.get(ref="A1")
    assert library.outcome == "More visitors"
    assert library.updates.get().status.label == "On track"
    plan.refresh_from_db()
    assert plan.header_synonyms == {"outcome": ["Benefits"], "status": ["colour"]}

    # Next time the same layout needs no questions.
    page = upload(admin, brag_workbook(), plan=plan.pk, new_plan_name="").content.decode()
    assert "Not recognised" not in page
    assert "Status for January 2024" in page
    assert "2 unchanged" in page


def test_a_column_that_is_not_about_a_month_may_be_left_out(client_for):
    book = workbooks.workbook_bytes(
        {"Plan": [["Ref", "Action", "Notes for clerk"], ["A1", "Open the library", "ask Sam"]]}
    )
    page = upload(client_for("admin"), book.getvalue()).content.decode()
    assert "Column C “Notes for clerk” becomes" in page
    assert "Confirm and import" in page


def test_a_big_workbook_is_checked_by_the_task_worker(client_for, settings):
    settings.IMPORT_BACKGROUND_BYTES = 100
    # A backend that only records what is queued, as a busy worker would leave it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page = upload(client_for("admin"), sample_bytes()).content.decode()
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.CHECKING
    assert "Checking the workbook" in page
    assert not Action.objects.exists()
    from plans.excel import jobs

    jobs.preview_job.call(job.pk)  # what the worker does when it gets there
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED
    assert list(job.preview["unmapped"]) == ["New Action Added"]
    assert not Action.objects.exists()


def test_the_upload_page_names_the_layouts_it_reads_and_promises_questions(client_for):
    page = client_for("admin").get(reverse("plans:import")).content.decode()
    assert "Any layout works" not in page
    for layout in ["a monthly tracker", "quarterly monitoring", "one current Status",
                   "a SharePoint list", "a sheet of updates", "a delivery plan",
                   "numbered recommendations"]:  # fmt: skip
        assert layout in page
    assert "is asked about before anything is written" in page
    assert "“Importing your action plan”" in page
