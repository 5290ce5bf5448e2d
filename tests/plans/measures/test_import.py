"""Importing measures from a workbook: one row per measure, one column per period; the preview
is the import rolled back, any error means nothing is written, unexplained period columns are
asked about, and a changed figure is a new revision."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from plans.measures.workbook import MeasuresBlocked, load_measures, read_measures
from plans.models import (
    Committee,
    ImportJob,
    Measure,
    MeasureTarget,
    MeasureValue,
    MeasureValueRevision,
    Priority,
)
from tests import factories

HEADER = [
    "Measure",
    "Priority",
    "Owner",
    "Unit",
    "Direction",
    "Frequency",
    "Baseline",
    "Amber tolerance",
    "Target Q1 2024/25",
    "Q1 2024/25",
    "Commentary Q1 2024/25",
    "Target Q2 2024/25",
    "Actual Q2 2024/25",
]
ROWS = [
    [
        "Appraisals completed on time",
        "A resilient council",
        "Head of HR",
        "Percentage",
        "Higher is better",
        "Quarterly",
        80,
        "5%",
        90,
        87,
        "Two teams late",
        90,
        None,
    ],
    [
        "Sickness absence (days per FTE)",
        "A resilient council",
        "Head of HR",
        "days",
        "lower",
        "quarterly",
        2.4,
        None,
        2,
        "1.9",
        None,
        2,
        2.1,
    ],
]
Q1 = datetime.date(2024, 4, 1)
Q2 = datetime.date(2024, 7, 1)


def workbook(header=HEADER, rows=ROWS, title="Measures", above=()):
    """An .xlsx in memory: optional title rows, the header, then the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for line in above:
        sheet.append(line)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def load(plan, data=None, dry_run=False, decisions=None, **options):
    result = read_measures(data or workbook(**options), decisions=decisions)
    return load_measures(result=result, plan=plan, dry_run=dry_run, source="kpis.xlsx")


def test_the_simple_layout_imports_measures_targets_figures_and_commentary(plan):
    preview = load(plan, above=[["Corporate KPIs 2024/25"], []])
    assert preview.created == ["Appraisals completed on time", "Sickness absence (days per FTE)"]
    assert preview.added == ["priority “A resilient council”", "post “Head of HR”"]
    assert (preview.targets_created, preview.values_created) == (4, 3)
    assert preview.periods == ["Q1 2024/25", "Q2 2024/25"]
    appraisals = Measure.objects.get(name="Appraisals completed on time")
    assert (
        appraisals.priority.name,
        appraisals.owner.name,
        appraisals.unit,
        appraisals.direction,
        appraisals.frequency,
        appraisals.baseline,
        appraisals.tolerance,
    ) == ("A resilient council", "Head of HR", "percentage", "higher", "quarterly", 80, 5)
    entry = MeasureValue.objects.get(measure=appraisals, period=Q1)
    assert (entry.value, entry.commentary, entry.imported) == (87, "Two teams late", True)
    sickness = Measure.objects.get(name__startswith="Sickness")
    assert list(MeasureValue.objects.filter(measure=sickness).values_list("period", "value")) == [
        (Q1, Decimal("1.9")),
        (Q2, Decimal("2.1")),
    ]
    assert MeasureTarget.objects.get(measure=sickness, period=Q2).target == 2


def test_cells_formatted_as_percentages_read_as_people_see_them(plan):
    book = Workbook()
    sheet = book.active
    sheet.append(["Measure", "Theme", "Direction", "Unit", "Tolerance", "Target Apr-24", "Apr-24"])
    sheet.append(["Calls answered", "Customers", "higher", "%", 0.05, 0.9, 0.875])
    for cell in ("E2", "F2", "G2"):
        sheet[cell].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    load(plan, buffer)
    calls = Measure.objects.get()
    assert (calls.frequency, calls.tolerance, calls.theme.name) == ("monthly", 5, "Customers")
    assert MeasureValue.objects.get().value == Decimal("87.5")
    assert MeasureTarget.objects.get().target == 90


def test_the_preview_writes_nothing_and_shows_what_confirming_will_do(plan):
    preview = load(plan, dry_run=True)
    assert (Measure.objects.count(), MeasureValue.objects.count(), Priority.objects.count()) == (
        0,
        0,
        0,
    )
    assert preview.as_dict() == load(plan).as_dict()
    again = load(plan)
    assert (again.created, again.unchanged, again.unchanged_cells) == ([], 2, 7)


def test_a_changed_figure_becomes_a_revision_and_the_preview_says_from_what(plan):
    load(plan)
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][9] = 88
    rows[0][11] = 92
    rows[1][4] = "Lower is better"
    preview = load(plan, rows=rows)
    assert preview.values_changed == [
        {
            "name": "Appraisals completed on time",
            "period": "Q1 2024/25",
            "old": "87% Two teams late",
            "new": "88% Two teams late",
        }
    ]
    assert preview.targets_changed == [
        {"name": "Appraisals completed on time", "period": "Q2 2024/25", "old": "90%", "new": "92%"}
    ]
    assert preview.changed == [] and preview.unchanged == 2
    revisions = MeasureValueRevision.objects.filter(
        entry__measure__name__startswith="Appraisals", entry__period=Q1
    ).order_by("version")
    assert [(r.value, r.reason) for r in revisions] == [
        (87, "Imported from kpis.xlsx"),
        (88, "Imported from kpis.xlsx"),
    ]


def test_a_measure_missing_from_the_workbook_is_kept_and_listed(plan):
    factories.measure(plan, "Residents satisfied")
    preview = load(plan)
    assert preview.missing == ["Residents satisfied"]
    assert Measure.objects.filter(name="Residents satisfied").exists()


def problems(preview):
    return [(p["sheet"], p["row"], p["column"], p["message"]) for p in preview.errors]


def test_any_error_stops_the_whole_import_and_says_where(plan):
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][3] = "Litres"
    rows[1][9] = "about two"
    rows.append(["New measure", "A resilient council", "", "", "", "", "", "", "", "", "", "", ""])
    rows.append(["Appraisals completed on time", "Other"])
    with pytest.raises(MeasuresBlocked) as blocked:
        load(plan, rows=rows)
    assert problems(blocked.value.preview) == [
        (
            "Measures",
            2,
            "D",
            "“Litres” is not a unit this import knows: use number, percentage, currency, days.",
        ),
        ("Measures", 3, "J", "“about two” is not a number."),
        (
            "Measures",
            5,
            "A",
            "The measure “Appraisals completed on time” appears twice: at 'Measures' row 2 "
            "and here. Give each row its own measure.",
        ),
    ]
    assert not Measure.objects.exists()


def test_errors_found_while_loading_also_write_nothing(plan):
    factories.measure(plan, "Residents satisfied", frequency="monthly", values={"2024-03": "70"})
    rows = [
        list(ROWS[0]),
        ["Residents satisfied", "", "", "", "", "Quarterly"],
        ["Potholes fixed", "", "", "number", "", "", "", "", "", "12"],
    ]
    with pytest.raises(MeasuresBlocked) as blocked:
        load(plan, rows=rows)
    assert [message for *_, message in problems(blocked.value.preview)] == [
        "“Residents satisfied” already has monthly figures, so its frequency cannot change.",
        "Say whether higher or lower is better for the new measure “Potholes fixed” "
        "(a Direction column).",
    ]
    assert list(Measure.objects.values_list("name", flat=True)) == ["Residents satisfied"]
    assert not Priority.objects.exists()


def test_figures_must_go_in_columns_of_the_measures_frequency(plan):
    header = ["Measure", "Theme", "Direction", "Frequency", "Apr-24"]
    with pytest.raises(MeasuresBlocked) as blocked:
        load(plan, header=header, rows=[["Fly-tipping cleared", "Place", "higher", "Quarterly", 5]])
    assert problems(blocked.value.preview) == [
        (
            "Measures",
            2,
            "E",
            "“Fly-tipping cleared” is quarterly, so its targets and figures go in quarter columns.",
        )
    ]


def test_a_period_column_in_other_words_must_be_explained_before_importing(plan):
    header = ["Measure", "Theme", "Direction", "Q1 2024/25 RAG basis", "Comments (staff)"]
    rows = [["Calls answered", "Customers", "higher", 90, "Busy quarter"]]
    with pytest.raises(MeasuresBlocked) as blocked:
        load(plan, header=header, rows=rows)
    preview = blocked.value.preview
    assert preview.undecided_headers == [["Measures", "D", "Q1 2024/25 RAG basis"]]
    assert preview.unknown_headers == [
        ["Measures", "D", "Q1 2024/25 RAG basis"],
        ["Measures", "E", "Comments (staff)"],
    ]
    preview = load(plan, header=header, rows=rows, decisions={"Q1 2024/25 RAG basis": "target"})
    assert preview.targets_created == 1 and not preview.blocked
    assert MeasureTarget.objects.get().target == 90


@pytest.fixture
def admin(client_for, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    return client_for("admin")


def upload(client, plan, data):
    file = SimpleUploadedFile("kpis.xlsx", data.getvalue())
    return client.post(reverse("plans:measure_import", args=[plan.slug]), {"workbook": file})


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_an_administrator_uploads_previews_and_confirms(plan, admin):
    response = upload(admin, plan, workbook())
    job = ImportJob.objects.get()
    assert job.kind == "measures"
    assert response["Location"] == reverse("plans:measure_import_job", args=[plan.slug, job.pk])
    page = text(admin.get(response["Location"]))
    assert "What this import would do Measures added 2: Appraisals completed on time" in page
    assert "Figures added 3" in page
    assert not Measure.objects.exists()
    confirm = reverse("plans:measure_import_confirm", args=[plan.slug, job.pk])
    page = text(admin.get(admin.post(confirm)["Location"]))
    assert "Imported 2 measures added, 0 changed, 3 figures added" in page
    assert Measure.objects.count() == 2
    revision = MeasureValueRevision.objects.first()
    assert (revision.imported, revision.author.username, revision.reason) == (
        True,
        "admin",
        "Imported from kpis.xlsx",
    )
    admin.post(confirm)  # a second click imports nothing more
    assert MeasureValueRevision.objects.count() == 3
    # Measure imports are not action plan imports.
    assert admin.get(reverse("plans:import_job", args=[job.pk])).status_code == 404


def test_the_administrator_answers_questions_about_columns(plan, admin):
    header = ["Measure", "Theme", "Direction", "Q1 2024/25 RAG basis"]
    upload(admin, plan, workbook(header=header, rows=[["Calls answered", "Customers", "up", 9]]))
    job = ImportJob.objects.get()
    address = reverse("plans:measure_import_job", args=[plan.slug, job.pk])
    page = text(admin.get(address))
    assert "Column “Q1 2024/25 RAG basis” holds" in page
    assert "Confirm and import" not in page
    answer = admin.post(address, {"column_0": "target"})
    assert answer["Location"] == address
    page = text(admin.get(address))
    assert "Targets added 1" in page and "Confirm and import" in page


def test_a_file_that_is_not_a_workbook_is_refused_with_a_reason(plan, admin):
    upload(admin, plan, io.BytesIO(b"Measure,Target\nCalls,90\n"))
    job = ImportJob.objects.get()
    assert job.state == "failed"
    page = text(admin.get(reverse("plans:measure_import_job", args=[plan.slug, job.pk])))
    assert "This is not an Excel .xlsx workbook." in page
    assert not Measure.objects.exists()


@pytest.fixture
def worker(settings):
    """A task backend that only records what is queued, as a busy worker would leave it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    return default_task_backend


def test_a_confirmed_import_runs_as_a_task_showing_its_progress_and_runs_once(plan, admin, worker):
    from plans.excel import jobs

    upload(admin, plan, workbook())
    job = ImportJob.objects.get()
    address = reverse("plans:measure_import_job", args=[plan.slug, job.pk])
    confirm = reverse("plans:measure_import_confirm", args=[plan.slug, job.pk])
    progress = reverse("plans:import_progress", args=[job.pk])

    assert admin.post(confirm)["Location"] == address
    page = text(admin.get(address))
    assert "Importing" in page and "Queued: 0% done." in page
    assert "Confirm and import" not in page
    assert admin.get(progress).json() == {"state": "queued", "label": "Queued", "progress": 0}
    assert not Measure.objects.exists()

    admin.post(confirm)  # a second click while it waits queues nothing more
    assert len(worker.results) == 1

    jobs.import_job.call(job.pk)  # what the worker does when it gets there
    assert admin.get(progress).json() == {"state": "done", "label": "Imported", "progress": 100}
    page = text(admin.get(address))
    assert "Imported 2 measures added, 0 changed, 3 figures added" in page

    admin.post(confirm)
    jobs.import_job.call(job.pk)  # and a task run twice imports nothing more
    assert len(worker.results) == 1
    assert MeasureValueRevision.objects.count() == 3


def test_a_big_workbook_of_measures_is_checked_by_the_task_worker(plan, admin, worker, settings):
    from plans.excel import jobs

    settings.IMPORT_BACKGROUND_BYTES = 100
    upload(admin, plan, workbook())
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.CHECKING
    page = text(admin.get(reverse("plans:measure_import_job", args=[plan.slug, job.pk])))
    assert "Checking the workbook" in page and "Measures added" not in page
    jobs.preview_job.call(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED
    assert job.preview["created"] == [row[0] for row in ROWS]
    assert not Measure.objects.exists()


def test_answers_about_headings_are_remembered_for_the_plans_next_import(plan, admin):
    header = ["Measure", "Theme", "Direction", "Accountable officer", "Q1 2024/25 RAG basis"]
    row = ["Calls answered", "Customers", "up", "Head of Customer Services", 90]
    upload(admin, plan, workbook(header=header, rows=[row]))
    job = ImportJob.objects.get()
    address = reverse("plans:measure_import_job", args=[plan.slug, job.pk])
    page = text(admin.get(address))
    assert "Column “Accountable officer” holds" in page
    assert "Your answers are remembered for this plan's next import." in page
    admin.post(address, {"column_0": "owner", "column_1": "target"})
    plan.refresh_from_db()
    assert plan.measure_header_synonyms == {}  # a preview remembers nothing
    admin.post(reverse("plans:measure_import_confirm", args=[plan.slug, job.pk]))
    plan.refresh_from_db()
    assert plan.measure_header_synonyms == {
        "owner": ["Accountable officer"],
        "target": ["rag basis"],
    }

    # Next time the same layout, a quarter on, needs no questions.
    header[-1] = "Q2 2024/25 RAG basis"
    upload(admin, plan, workbook(header=header, rows=[row]))
    job = ImportJob.objects.first()
    page = text(admin.get(reverse("plans:measure_import_job", args=[plan.slug, job.pk])))
    assert "holds" not in page and "Columns not imported" not in page
    assert "Targets added 1" in page and "Measures unchanged 1" in page
    assert "Confirm and import" in page


def test_an_import_of_measures_reports_its_progress_for_the_bar(plan):
    seen = []
    load_measures(result=read_measures(workbook()), plan=plan, progress=seen.append)
    assert (seen[0], seen[-1]) == (0, 100)


def test_a_committees_column_gives_each_measure_its_committees(plan):
    Committee.objects.create(name="Cabinet", slug="cabinet")
    header = ["Measure", "Priority", "Direction", "Committees", "Q1 2024/25"]
    rows = [
        ["Appraisals completed on time", "A resilient council", "Higher", "cabinet", 87],
        ["Potholes filled", "Clean streets", "Higher", "Cabinet; Audit Committee\nScrutiny", 40],
        ["Calls answered", "A resilient council", "Higher", None, 95],
    ]
    preview = load(plan, header=header, rows=rows)
    assert preview.added[-2:] == ["committee “Audit Committee”", "committee “Scrutiny”"]

    def committees():
        return {
            m.name: sorted(c.name for c in m.committees.all())
            for m in Measure.objects.filter(plan=plan)
        }

    assert committees() == {
        "Appraisals completed on time": ["Cabinet"],
        "Potholes filled": ["Audit Committee", "Cabinet", "Scrutiny"],
        "Calls answered": [],
    }
    # Again: nothing changes, nothing is added.
    again = load(plan, header=header, rows=rows)
    assert (again.changed, again.added, again.unchanged) == ([], [], 3)
    assert not again.changes_anything
    # A changed cell changes the measure's committees and says from what.
    rows[1][3] = "Scrutiny"
    changed = load(plan, header=header, rows=rows)
    assert changed.changed == [
        {
            "name": "Potholes filled",
            "changes": [["Committees", "Audit Committee; Cabinet; Scrutiny", "Scrutiny"]],
        }
    ]
    assert committees()["Potholes filled"] == ["Scrutiny"]
