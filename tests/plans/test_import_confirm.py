"""An import confirms only what its preview showed, and never puts a workbook's text over an
update awaiting sign-off or one written in the app."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook as open_xlsx

from plans.excel.load import create_plan, load_workbook
from plans.excel.read import read_workbook
from plans.measures.values import save_value
from plans.measures.workbook import load_measures, read_measures
from plans.models import Action, ImportJob, Measure, MeasureValue, Update
from plans.updates import save_update
from tests import workbooks
from tests.plans.measures.test_import import Q1, workbook

JANUARY = datetime.date(2024, 1, 1)
SHEET = "Theme 1 -Organisational Culture"
CORRECTED = "Corrected: processes communicated early February. DS 12.01.24"


def corrected_sample():
    """The sample with OC.A2.4's January update reworded (cell N7) and OC.A2.1 due later."""
    book = open_xlsx(workbooks.SAMPLE)
    book[SHEET]["N7"] = CORRECTED
    book[SHEET]["I5"] = "Jun-24"
    return workbooks.to_bytes(book)


@pytest.fixture
def imported(db):
    """A plan holding the sample, imported."""
    plan = create_plan("Improvement Plan")
    sample = read_workbook(workbooks.SAMPLE)
    load_workbook(
        plan=plan, result=sample, mapping={"New Action Added": "Not due to start"}, dry_run=False
    )
    return plan


def january(ref="OC.A2.4"):
    return Update.objects.get(action__ref=ref, month=JANUARY)


def officer_saves(people, text, **extra):
    update = january()
    save_update(
        action=update.action,
        month=JANUARY,
        status=update.status,
        narrative=text,
        author=people["lead"],
        **extra,
    )


def preview_upload(client, plan):
    file = SimpleUploadedFile("corrected.xlsx", corrected_sample().getvalue())
    client.post(reverse("plans:import"), {"workbook": file, "plan": plan.pk})
    job = ImportJob.objects.first()
    assert job.state == ImportJob.State.PREVIEWED and not job.preview["blocked"]
    return job


def test_an_officers_wording_saved_after_the_preview_stops_the_confirmation(
    imported, client_for, people
):
    admin = client_for("admin")
    job = preview_upload(admin, imported)
    (changed,) = [item for theme in job.preview["themes"] for item in theme["updates_changed"]]
    assert (changed["ref"], changed["month"]) == ("OC.A2.4", "2024-01")

    officer_saves(people, "Processes went out on 5 February; all staff briefed. DS 06.02.24")
    page = admin.post(reverse("plans:import_confirm", args=[job.pk]), follow=True)

    text = page.content.decode()
    assert (
        "Nothing was imported: since the preview was made, the January 2024 update of OC.A2.4 "
        "was saved in the app, so the import now leaves it as it is." in text
    )
    assert "Confirm and import" in text  # the fresh preview, ready to confirm again
    assert january().narrative.startswith("Processes went out on 5 February")
    assert Action.objects.get(ref="OC.A2.1").due_text == "Mar-24"  # nothing else written
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED
    (left,) = job.preview["left_alone"]
    assert (left["sheet"], left["row"], left["column"], left["month"]) == (SHEET, 7, "M", "2024-01")

    # Confirmed again, the import does what the fresh preview said: the officer's words stay.
    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert january().narrative.startswith("Processes went out on 5 February")
    assert Action.objects.get(ref="OC.A2.1").due_text == "Jun-24"


def test_an_action_changed_after_the_preview_stops_the_confirmation(imported, client_for):
    admin = client_for("admin")
    job = preview_upload(admin, imported)
    action = Action.objects.get(ref="OC.A2.1")
    action.due_text = "Sep-24"
    action.save()

    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED
    assert "the details of action OC.A2.1 were changed in the app" in job.message
    assert Action.objects.get(ref="OC.A2.1").due_text == "Sep-24"
    assert january().narrative != CORRECTED


def test_an_unchanged_plan_imports_as_previewed(imported, client_for):
    admin = client_for("admin")
    job = preview_upload(admin, imported)
    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.message == ""
    assert january().narrative == CORRECTED


@pytest.mark.parametrize(
    ("approval", "why"),
    [
        (Update.Approval.SUBMITTED, "it awaits sign-off, and an import never approves"),
        (Update.Approval.RETURNED, "it was returned to its officer for changes"),
    ],
)
def test_an_update_in_sign_off_is_neither_approved_nor_rewritten(imported, people, approval, why):
    officer_saves(people, "Draft wording for review.", approval=approval)
    before = january()
    preview = load_workbook(plan=imported, result=read_workbook(corrected_sample()), dry_run=False)
    after = january()
    assert after.approval == approval
    assert (after.narrative, after.version) == ("Draft wording for review.", before.version)
    assert after.revisions.count() == before.revisions.count()
    (left,) = preview.left_alone
    assert (left["sheet"], left["row"], left["ref"], left["month"]) == (
        SHEET,
        7,
        "OC.A2.4",
        "2024-01",
    )
    assert why in left["why"]


def test_an_update_written_in_the_app_is_not_replaced_by_the_workbook(imported, people):
    officer_saves(people, "Processes went out on 5 February. DS 06.02.24")
    preview = load_workbook(plan=imported, result=read_workbook(corrected_sample()), dry_run=False)
    assert january().narrative == "Processes went out on 5 February. DS 06.02.24"
    (left,) = preview.left_alone
    assert left["column"] == "M" and left["ref"] == "OC.A2.4"
    assert "it was written in the app by" in left["why"]
    assert not any(theme.updates_changed for theme in preview.themes.values())


def test_the_preview_page_lists_the_updates_left_alone(imported, client_for, people):
    officer_saves(people, "Draft wording for review.", approval=Update.Approval.SUBMITTED)
    admin = client_for("admin")
    job = preview_upload(admin, imported)
    page = admin.get(reverse("plans:import_job", args=[job.pk])).content.decode()
    assert "Monthly updates left as they are (1)" in page
    assert "Left as it is: it awaits sign-off" in page


def test_a_figure_entered_after_a_measures_preview_stops_the_confirmation(plan, client_for):
    admin = client_for("admin")
    load_measures(result=read_measures(workbook()), plan=plan, dry_run=False)
    changed = workbook(
        rows=[
            [
                "Appraisals completed on time",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                88,
                "Three teams late",
            ]
        ]  # fmt: skip
    )
    file = SimpleUploadedFile("kpis.xlsx", changed.getvalue())
    admin.post(reverse("plans:measure_import", args=[plan.slug]), {"workbook": file})
    job = ImportJob.objects.get()
    assert job.preview["values_changed"][0]["new"].startswith("88")

    measure = Measure.objects.get(name="Appraisals completed on time")
    save_value(measure=measure, period=Q1, value=89, commentary="One team late, now")
    confirm = reverse("plans:measure_import_confirm", args=[plan.slug, job.pk])
    page = admin.get(admin.post(confirm)["Location"]).content.decode()

    assert "Nothing was imported: Appraisals completed on time changed in the app" in page
    assert "Confirm and import" in page
    assert MeasureValue.objects.get(measure=measure, period=Q1).value == 89
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED
    assert job.preview["values_changed"][0]["old"].startswith("89")
