"""Loading workbooks into plans: preview equals outcome, re-import changes nothing, nothing is
ever half-written or deleted."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook as open_xlsx

from plans.excel.errors import ImportBlocked
from plans.excel.load import create_plan, load_workbook
from plans.excel.read import read_workbook
from plans.models import Action, Plan, Post, Status, Update, UpdateRevision
from tests import workbooks

NEW_ACTION = {"New Action Added": "Not due to start"}


def counts():
    return (
        Plan.objects.count(),
        Action.objects.count(),
        Update.objects.count(),
        UpdateRevision.objects.count(),
        Post.objects.count(),
    )


@pytest.fixture
def sample():
    return read_workbook(workbooks.SAMPLE)


@pytest.fixture
def empty_plan(db):
    return create_plan("Improvement Plan")


def test_the_real_sample_imports_with_parents_posts_dates_and_both_months(empty_plan, sample):
    preview = load_workbook(plan=empty_plan, result=sample, mapping=NEW_ACTION, dry_run=False)
    assert preview.totals == {
        "created": 22,
        "changed": 0,
        "unchanged": 0,
        "updates_created": 44,
        "updates_changed": 0,
    }
    action = Action.objects.get(ref="OC.A2.1")
    assert action.parent.ref == "OC.A2.0"
    assert (action.start_text, action.start_date) == ("Dec-22", datetime.date(2022, 12, 1))
    assert (action.due_text, action.due_date) == ("Mar-24", datetime.date(2024, 3, 1))
    assert str(action.director) == "Chief Executive"
    assert str(action.lead_officer) == "Head of HR"  # first of Other Leads, as the preview says
    assert action.member_lead == "Deputy Leader"
    assert action.workstream.name == "Establishing Organisational Culture"
    statuses = list(action.updates.order_by("month").values_list("status__label", flat=True))
    assert statuses == ["Medium progress", "Medium progress"]
    assert Action.objects.get(ref="OC.B2.5").update_owner.name == "HR Team Manager L&D/OD"
    assert Action.objects.get(ref="OC.B2.5").due_date is None  # "TBC"
    assert preview.lead_officer_from == "other_leads"
    assert action.history.count() == 1


def test_the_preview_shows_exactly_what_confirming_does_and_writes_nothing(empty_plan, sample):
    before = counts()
    preview = load_workbook(plan=empty_plan, result=sample, mapping=NEW_ACTION, dry_run=True)
    assert counts() == before
    done = load_workbook(plan=empty_plan, result=sample, mapping=NEW_ACTION, dry_run=False)
    assert done.as_dict()["totals"] == preview.as_dict()["totals"]
    assert done.as_dict()["themes"] == preview.as_dict()["themes"]


def test_importing_the_same_file_again_changes_nothing(empty_plan, sample):
    load_workbook(plan=empty_plan, result=sample, mapping=NEW_ACTION, dry_run=False)
    before = counts()
    again = load_workbook(plan=empty_plan, result=sample, dry_run=False)
    assert counts() == before
    assert again.totals == {
        "created": 0,
        "changed": 0,
        "unchanged": 22,
        "updates_created": 0,
        "updates_changed": 0,
    }


def test_unknown_status_words_block_the_import_listing_every_place(empty_plan, sample):
    before = counts()
    with pytest.raises(ImportBlocked) as blocked:
        load_workbook(plan=empty_plan, result=sample, dry_run=False)
    assert blocked.value.preview.unmapped == {
        "New Action Added": [
            "Theme 1 -Organisational Culture!K13",
            "Theme 1 -Organisational Culture!M13",
            "Theme 1 -Organisational Culture!K21",
        ]
    }
    assert counts() == before


def test_a_mapped_status_word_is_remembered_for_next_time(empty_plan, sample):
    load_workbook(plan=empty_plan, result=sample, mapping=NEW_ACTION, dry_run=False)
    assert (
        "New Action Added" in Status.objects.get(plan=empty_plan, label="Not due to start").synonyms
    )


def newer_sample():
    """The sample as a council would send it a month later: a due date moved, a narrative
    corrected, a February column pair added, and one action gone from the sheet."""
    book = open_xlsx(workbooks.SAMPLE)
    sheet = book["Theme 1 -Organisational Culture"]
    sheet["I5"] = "Jun-24"  # OC.A2.1 due date
    sheet["N7"] = "Corrected: processes communicated early February. DS 12.01.24"  # OC.A2.4 Jan
    sheet["O3"], sheet["P3"] = "Status (February 2024)", "Update (Initial and Date) (February 2024)"
    sheet["O5"], sheet["P5"] = "On Track- little or no slippage", "Cabinet approved. DS 14.02.24"
    sheet.delete_rows(25)  # OC.G1.5
    return read_workbook(workbooks.to_bytes(book))


def test_a_newer_workbook_updates_fields_adds_months_and_deletes_nothing(
    empty_plan, sample, people
):
    load_workbook(plan=empty_plan, result=sample, mapping=NEW_ACTION, dry_run=False)
    first = Update.objects.get(action__ref="OC.A2.4", month=datetime.date(2024, 1, 1)).narrative
    preview = load_workbook(
        plan=empty_plan, result=newer_sample(), user=people["admin"], dry_run=False
    )

    changed = {
        item["ref"]: item["changes"] for theme in preview.themes.values() for item in theme.changed
    }
    assert changed == {"OC.A2.1": [["due_text", "Mar-24", "Jun-24"]]}
    assert preview.missing == ["OC.G1.5"]
    assert Action.objects.filter(ref="OC.G1.5").exists()
    assert preview.totals["updates_created"] == 1
    assert (
        Update.objects.get(action__ref="OC.A2.1", month=datetime.date(2024, 2, 1)).status.label
        == "On track"
    )

    january = Update.objects.get(action__ref="OC.A2.4", month=datetime.date(2024, 1, 1))
    assert january.narrative.startswith("Corrected:")
    assert list(january.revisions.values_list("narrative", flat=True)) == [first, january.narrative]

    action = Action.objects.get(ref="OC.A2.1")
    assert action.due_date == datetime.date(2024, 6, 1)
    latest, previous = action.history.all()[:2]
    assert latest.history_user == people["admin"]
    assert [
        (c.field, c.old, c.new)
        for c in latest.diff_against(previous).changes
        if c.field == "due_text"
    ] == [("due_text", "Mar-24", "Jun-24")]


def test_errors_in_the_workbook_mean_nothing_is_written(empty_plan):
    book = workbooks.workbook_bytes(
        {
            "Plan": [
                ["Ref", "Action", "Status (January 2024)"],
                ["A1", "First version", "On track"],
                ["A1", "A different action with the same ref", "On track"],
            ]
        }
    )
    result = read_workbook(book)
    assert result.errors
    before = counts()
    with pytest.raises(ImportBlocked) as blocked:
        load_workbook(plan=empty_plan, result=result, dry_run=False)
    assert (
        "A1"
        in blocked.value.preview.errors[0]["value"] + blocked.value.preview.errors[0]["message"]
    )
    assert counts() == before


def test_a_failure_part_way_through_leaves_nothing_behind(empty_plan, sample, monkeypatch):
    from plans.excel import load

    def broken(self, new_updates):
        raise RuntimeError("disk full")

    monkeypatch.setattr(load._Loader, "create_updates", broken)
    before = counts()
    with pytest.raises(RuntimeError):
        load_workbook(plan=empty_plan, result=sample, mapping=NEW_ACTION, dry_run=False)
    assert counts() == before


def test_other_layouts_import_with_theme_columns_and_repeated_headers(db):
    plan = create_plan("Council Plan")
    result = read_workbook(workbooks.theme_column_layout())
    mapping = {label: "On track" for label in {e.status for r in result.rows for e in r.months}}
    preview = load_workbook(plan=plan, result=result, mapping=mapping, dry_run=False)
    assert preview.totals["created"] == len(result.rows)
    assert set(plan.themes.values_list("name", flat=True)) == {r.theme for r in result.rows}

    other = create_plan("Service Plan")
    result = read_workbook(workbooks.repeated_headers_layout())
    mapping = {label: "On track" for label in {e.status for r in result.rows for e in r.months}}
    load_workbook(plan=other, result=result, mapping=mapping, dry_run=False)
    assert set(other.themes.values_list("name", flat=True)) == {"Housing", "Environment"}
    assert other.actions.count() == len(result.rows)


def test_the_command_previews_imports_and_fails_on_unmapped_statuses(db, tmp_path):
    path = str(workbooks.SAMPLE)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_plan",
            path,
            "--plan",
            "improvement",
            "--create",
            "Improvement",
            stdout=out,
            stderr=io.StringIO(),
        )
    assert not Plan.objects.exists()

    call_command(
        "import_plan",
        path,
        "--plan",
        "improvement",
        "--create",
        "Improvement",
        "--dry-run",
        "--map-status",
        "New Action Added=Not due to start",
        stdout=out,
    )
    assert "Would import into Improvement (improvement): 22 actions created" in out.getvalue()
    assert not Plan.objects.exists()

    out = io.StringIO()
    call_command(
        "import_plan",
        path,
        "--plan",
        "improvement",
        "--create",
        "Improvement",
        "--map-status",
        "New Action Added=Not due to start",
        stdout=out,
    )
    assert "Imported into Improvement (improvement): 22 actions created" in out.getvalue()
    assert Plan.objects.get().actions.count() == 22


def test_the_command_reports_a_file_that_is_not_a_workbook(db, tmp_path):
    fake = tmp_path / "plan.xlsx"
    fake.write_text("Ref,Action\nA1,Something\n")
    with pytest.raises(CommandError, match="not an Excel .xlsx workbook"):
        call_command("import_plan", str(fake), "--plan", "x", "--create", "X")
    assert not Plan.objects.exists()


def test_the_command_takes_column_answers(db, tmp_path):
    path = tmp_path / "colour.xlsx"
    path.write_bytes(
        workbooks.workbook_bytes(
            {"Plan": [["Ref", "Action", "Jan-24 Colour"], ["A1", "Open the library", "On track"]]}
        ).getvalue()
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_plan",
            str(path),
            "--plan",
            "lib",
            "--create",
            "Library",
            stderr=err,
            stdout=io.StringIO(),
        )
    assert "add --map-column 'Jan-24 Colour=status'" in err.getvalue()
    call_command(
        "import_plan",
        str(path),
        "--plan",
        "lib",
        "--create",
        "Library",
        "--map-column",
        "Jan-24 Colour=status",
        stdout=io.StringIO(),
    )
    assert Update.objects.get(action__ref="A1").status.label == "On track"
    assert Plan.objects.get(slug="lib").header_synonyms == {"status": ["colour"]}
