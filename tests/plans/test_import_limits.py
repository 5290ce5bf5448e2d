"""What a workbook may hold: names no longer than the database keeps, and no more unpacked
text than is safe to read, refused before anything is read or written."""

import time
import tracemalloc

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.excel.errors import ImportFileError
from plans.excel.read import read_workbook
from plans.measures.workbook import read_measures
from plans.models import ImportJob, Plan, Theme
from tests import workbooks

HEADER = ["Theme", "Workstream", "Ref", "Action", "Director", "Lead officer", "Other leads",
          "Committees", "Priority", "Lead Cabinet Member", "Start date", "Due date", "Risk",
          "Source"]  # fmt: skip
FITS = ["Theme 1", "Culture", "A1", "Do it", "Chief Executive", "Head of HR", "Head of IT",
        "Audit", "A resilient council", "Leader", "Apr-24", "Mar-25", "Low", "Peer review"]  # fmt: skip
# Column heading -> the most characters the database keeps for it.
LIMITS = {"Theme": 200, "Workstream": 200, "Ref": 50, "Director": 200, "Lead officer": 200,
          "Other leads": 200, "Committees": 200, "Priority": 200, "Lead Cabinet Member": 200,
          "Start date": 100, "Due date": 100, "Risk": 200, "Source": 300}  # fmt: skip


def plan_with(heading, text):
    row = list(FITS)
    row[HEADER.index(heading)] = text
    return workbooks.workbook_bytes({"Plan": [HEADER, row]})


def upload(client, book, **data):
    data.setdefault("new_plan_name", "Improvement Plan")
    file = SimpleUploadedFile("plan.xlsx", book.getvalue())
    return client.post(reverse("plans:import"), {"workbook": file, **data}, follow=True)


@pytest.mark.parametrize("heading", list(LIMITS))
def test_a_cell_longer_than_its_field_is_an_error_naming_sheet_row_and_column(heading):
    limit = LIMITS[heading]
    assert not read_workbook(plan_with(heading, "x" * limit)).errors
    text = "x" * (limit + 1)
    if heading in ("Other leads", "Committees"):
        text = f"Head of Law; {text}"  # each name of a list is checked
    (error,) = read_workbook(plan_with(heading, text)).errors
    column = chr(ord("A") + HEADER.index(heading))
    assert (error.sheet, error.row, error.column) == ("Plan", 2, column)
    assert f"“{heading}”" in error.message
    assert f"{limit + 1:,} characters long; it can be at most {limit:,}" in error.message


def test_a_theme_heading_row_too_long_is_an_error_at_that_row():
    book = workbooks.workbook_bytes(
        {"Plan": [["Theme", "Ref", "Action"], ["T" * 250], [None, "A1", "Do it"]]}
    )
    (error,) = read_workbook(book).errors
    assert (error.row, error.column) == (2, "A")


def test_a_250_character_theme_is_refused_before_anything_is_written(client_for):
    """On PostgreSQL this was a server error (varchar(200)) leaving a job that could not be
    confirmed; on SQLite the name was stored whole."""
    admin = client_for("admin")
    page = upload(admin, plan_with("Theme", "T" * 250))
    assert page.status_code == 200
    text = page.content.decode()
    assert "250 characters long; it can be at most 200" in text
    assert "Confirm and import" not in text
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.PREVIEWED and job.preview["blocked"]
    assert job.preview["errors"][0]["column"] == "A"
    assert not Plan.objects.exists() and not Theme.objects.exists()
    # Fixed and uploaded again, it imports.
    upload(admin, plan_with("Theme", "T" * 200))
    job = ImportJob.objects.first()
    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    assert Theme.objects.get().name == "T" * 200


def test_measure_names_and_places_too_long_are_errors_not_cut_short(plan):
    book = workbooks.workbook_bytes(
        {
            "Measures": [
                ["Measure", "Priority", "Owner", "Baseline period"],
                ["M" * 301, "A resilient council", "Head of HR", "2023/24"],
                ["Appraisals", "P" * 201, "O" * 201, "B" * 51],
            ]
        }
    )
    errors = [(p.row, p.column, p.message) for p in read_measures(book).problems]
    assert [(row, column) for row, column, _ in errors] == [(2, "A"), (3, "B"), (3, "C"), (3, "D")]
    assert "Measure is 301 characters long; it can be at most 300" in errors[0][2]
    assert "Baseline period is 51 characters long; it can be at most 50" in errors[3][2]


# Unpacked size, checked before openpyxl reads anything.


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fail the test if openpyxl opens the workbook: the checks must come first."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read a workbook that should be refused")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def peak_memory(function):
    """Run `function`; return (what it returned or raised, the most memory Python held
    meanwhile)."""
    tracemalloc.start()
    try:
        outcome = function()
    except Exception as error:  # noqa: BLE001 - the caller asserts on it
        outcome = error
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return outcome, peak


def test_a_300_mb_cell_is_refused_at_once_in_little_memory(client_for, no_openpyxl):
    """A 300 KB upload holding a 300 MB cell took 9 s and 881 MB in the web worker."""
    book = workbooks.huge_cell(300_000_000)
    assert len(book.getvalue()) < 400_000
    admin = client_for("admin")
    started = time.monotonic()
    page, peak = peak_memory(lambda: upload(admin, book))
    assert time.monotonic() - started < 5
    assert peak < 20 * 1024 * 1024
    assert "The workbook unpacks to 286.1 MB, more than the 200.0 MB" in page.content.decode()
    assert ImportJob.objects.first().state == ImportJob.State.FAILED
    assert not Plan.objects.exists()


@pytest.mark.parametrize("shared", [True, False], ids=["shared string", "inline string"])
def test_a_cell_far_longer_than_excel_allows_is_refused_before_reading(shared, no_openpyxl):
    book = workbooks.huge_cell(900_000, shared=shared)
    with pytest.raises(ImportFileError, match="holds a cell of more than 327,670 characters"):
        read_workbook(book)


def test_the_cell_check_streams_rather_than_holding_the_text(settings, no_openpyxl):
    settings.IMPORT_MAX_UNPACK_RATIO = 1_000_000  # let the cell check meet it
    book = workbooks.huge_cell(50_000_000)
    raised, peak = peak_memory(lambda: read_workbook(book))
    assert isinstance(raised, ImportFileError)
    assert "The workbook's text (shared by every sheet) holds a cell of more than" in str(raised)
    assert peak < 2 * 1024 * 1024


def test_a_part_packed_far_tighter_than_a_workbook_is_refused(no_openpyxl):
    with pytest.raises(ImportFileError, match="more than 100 times its packed size"):
        read_workbook(workbooks.huge_cell(5_000_000))


def test_the_unpacked_limit_is_a_setting(settings):
    book = workbooks.sample_like()
    assert read_workbook(book).rows
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 10_000
    with pytest.raises(ImportFileError, match=r"unpacks to \d+ KB, more than the 10 KB"):
        read_workbook(book)


def test_measures_workbooks_get_the_same_checks(no_openpyxl):
    with pytest.raises(ImportFileError, match="holds a cell of more than"):
        read_measures(workbooks.huge_cell(900_000))
