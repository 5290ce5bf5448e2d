"""The column mapping table and the questions: every column shown with what it becomes and
changeable, status words asked once each in one round with the columns, partial matches
shown as read."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from plans.excel.errors import ImportBlocked
from plans.excel.forms import MappingForm
from plans.excel.load import create_plan, load_workbook
from plans.excel.read import read_workbook
from plans.models import Action, ImportJob, Plan, Update
from tests import workbooks
from tests.plans.test_import_views import as_sent, upload

# Fourteen columns, as a council's tracker has them.
WIDE_HEADER = ["Ref", "Action", "Lead officer", "Director", "Benefits", "Start date",
               "Due date", "Statutory", "Committee", "Status (Jan 2024)", "Update (Jan 2024)",
               "Feb-24 Colour", "Feb-24 Commentary", "Direction of travel"]  # fmt: skip


def wide_workbook():
    return workbooks.workbook_bytes(
        {
            "Tracker": [
                WIDE_HEADER,
                ["W1", "Open the new library", "Librarian", "Director of Place", "More visitors",
                 "Apr-23", "Mar-24", "No", "Cabinet", "Amber-ish", "Fit-out late.", "Finished",
                 "Opened.", "Up"],
                ["W2", "Close the old depot", "Depot Manager", "Director of Place", "Savings",
                 "Jun-23", "Dec-24", "Yes", "Cabinet", "On Track- little slippage",
                 "Staff moved.", "finished ", "Sold.", "Level"],
                ["W3", "Adopt a parking strategy", "Parking Manager", "Director of Place", None,
                 "Sep-23", "Jun-24", None, None, "green", "Drafted.", "Green", None, "Up"],
            ]
        }
    )  # fmt: skip


def column_field(job, heading):
    """The form field name of the mapping table's row for `heading`."""
    headings = list(dict.fromkeys(column["heading"] for column in job.preview["columns"]))
    return f"column_{headings.index(heading)}"


def test_the_preview_lists_every_column_with_a_sample_and_what_it_becomes(client_for):
    page = upload(client_for("admin"), wide_workbook().getvalue()).content.decode()
    job = ImportJob.objects.get()
    assert [(c["letter"], c["heading"], c["sample"], c["becomes"]) for c in job.preview["columns"]] == [
        ("A", "Ref", "W1", "ref"),
        ("B", "Action", "Open the new library", "title"),
        ("C", "Lead officer", "Librarian", "lead_officer"),
        ("D", "Director", "Director of Place", "director"),
        ("E", "Benefits", "More visitors", "?"),
        ("F", "Start date", "Apr-23", "start"),
        ("G", "Due date", "Mar-24", "due"),
        ("H", "Statutory", "No", "statutory"),
        ("I", "Committee", "Cabinet", "committees"),
        ("J", "Status (Jan 2024)", "Amber-ish", "status:2024-01"),
        ("K", "Update (Jan 2024)", "Fit-out late.", "narrative:2024-01"),
        ("L", "Feb-24 Colour", "Finished", "?"),
        ("M", "Feb-24 Commentary", "Opened.", "narrative:2024-02"),
        ("N", "Direction of travel", "Up", ""),  # known, left out unless mapped
    ]  # fmt: skip
    for shown in ["Column G “Due date” becomes", "Status for January 2024",
                  "Update for February 2024", "Statutory function", "Sample value",
                  "Months found: January 2024 (Q4 2023/24), February 2024 (Q4 2023/24)"]:  # fmt: skip
        assert shown in page
    # Partial matches are shown as read, so they can be changed.
    assert job.preview["read_as"] == {
        "Amber-ish": ["Medium progress", ["Tracker!J2"]],
        "On Track- little slippage": ["On track", ["Tracker!J3"]],
    }
    assert "“Amber-ish” was read as Medium progress" in page
    # "Finished" and "finished " are one word, asked in this round although its column is not yet
    # placed: saying the column holds statuses needs no second round.
    assert job.preview["maybe_unmapped"] == {"Finished": ["Tracker!L"]}
    assert "If its column holds statuses, “Finished” means" in page


def test_one_round_answers_columns_and_statuses_and_any_column_can_be_changed(client_for):
    admin = client_for("admin")
    upload(admin, wide_workbook().getvalue())
    job = ImportJob.objects.get()
    answers = as_sent(
        job,
        **{
            column_field(job, "Feb-24 Colour"): "status",
            column_field(job, "Benefits"): "outcome",
            column_field(job, "Director"): "",  # recognised, but left out
            "maybe_0": "Complete",
            "readas_0": "Significant issues / slippage",  # Amber-ish means red here
        },
    )
    page = admin.post(reverse("plans:import_job", args=[job.pk]), answers, follow=True)
    page = page.content.decode()
    job.refresh_from_db()
    assert not job.preview["blocked"], job.preview["errors"]
    assert job.preview["unmapped"] == {} and job.preview["maybe_unmapped"] == {}
    assert "Confirm and import" in page
    page = admin.post(reverse("plans:import_confirm", args=[job.pk]), follow=True)
    assert "Became" in page.content.decode()  # what each column became, once imported
    plan = Plan.objects.get()
    found = {
        a.ref: (a.outcome, a.director_id, a.statutory, [c.name for c in a.committees.all()])
        for a in Action.objects.filter(plan=plan)
    }
    assert found == {
        "W1": ("More visitors", None, False, ["Cabinet"]),
        "W2": ("Savings", None, True, ["Cabinet"]),
        "W3": ("", None, False, []),
    }
    assert sorted(
        Update.objects.values_list("action__ref", "month__month", "status__label", "narrative")
    ) == [
        ("W1", 1, "Significant issues / slippage", "Fit-out late."),
        ("W1", 2, "Complete", "Opened."),
        ("W2", 1, "On track", "Staff moved."),
        ("W2", 2, "Complete", "Sold."),
        ("W3", 1, "On track", "Drafted."),
        ("W3", 2, "On track", ""),
    ]
    # Remembered: the same workbook again asks nothing and changes nothing.
    plan.refresh_from_db()
    assert plan.header_synonyms["ignore"] == ["Director"]
    versions = (plan.data_version, plan.layout_version)
    upload(admin, wide_workbook().getvalue(), plan=plan.pk, new_plan_name="")
    again = ImportJob.objects.latest("pk")
    assert again.preview["unmapped"] == {} and again.preview["undecided_headers"] == []
    assert again.preview["totals"]["unchanged"] == 3
    assert again.preview["totals"]["updates_created"] == 0
    assert not again.preview["blocked"]
    plan.refresh_from_db()
    assert (plan.data_version, plan.layout_version) == versions


def test_the_command_prints_months_quarters_and_columns_and_remaps_any_column(db, tmp_path):
    path = tmp_path / "wide.xlsx"
    path.write_bytes(wide_workbook().getvalue())
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_plan", str(path), "--plan", "w", "--create", "W", stdout=out, stderr=err
        )
    printed = out.getvalue()
    assert "Months found: January 2024 (Q4 2023/24), February 2024 (Q4 2023/24)" in printed
    assert "  Tracker E 'Benefits' e.g. 'More visitors': Not recognised" in printed
    assert "  Tracker J 'Status (Jan 2024)' e.g. 'Amber-ish': Status for January 2024" in printed
    assert "Read 'Amber-ish' as Medium progress (Tracker!J2)" in printed
    assert "--map-column 'Feb-24 Colour=status'" in err.getvalue()
    assert "add --map-status 'Finished=STATUS' too" in err.getvalue()

    out = io.StringIO()
    call_command(
        "import_plan", str(path), "--plan", "w", "--create", "W",
        "--map-column", "Feb-24 Colour=status", "--map-column", "Due date=ignore",
        "--map-column", "Lead officer=update_owner", "--map-status", "Finished=Complete",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    library = Action.objects.get(ref="W1")
    assert (library.due_text, library.lead_officer, str(library.update_owner)) == (
        "",
        None,
        "Librarian",
    )
    assert library.updates.get(month__month=2).status.label == "Complete"
    assert "Tracker G 'Due date' e.g. 'Mar-24': Left out" in out.getvalue()


def test_a_status_written_in_other_cases_and_spacing_is_asked_once(db):
    plan = create_plan("Spacing")
    book = workbooks.workbook_bytes(
        {
            "Plan": [
                ["Ref", "Action", "Status (Jan 2024)", "Status (Feb 2024)"],
                ["A1", "x", "Awaiting  funding", "awaiting funding "],
                ["A2", "y", "AWAITING FUNDING", None],
            ]
        }
    )
    result = read_workbook(book)
    with pytest.raises(ImportBlocked) as blocked:
        load_workbook(plan=plan, result=result, dry_run=True)
    assert blocked.value.preview.unmapped == {
        "Awaiting  funding": ["Plan!C2", "Plan!D2", "Plan!C3"]
    }
    done = load_workbook(
        plan=plan, result=result, mapping={"Awaiting  funding": "Not due to start"}, dry_run=False
    )
    assert done.totals["updates_created"] == 3


def test_the_places_of_a_word_are_kept_to_twenty_and_the_rest_counted(db):
    plan = create_plan("Big")
    rows = [["Ref", "Action", "Status (Jan 2024)", "Status (Feb 2024)"]]
    rows += [[f"A{n}", "x", "Wobbly", "Amber-ish"] for n in range(1, 31)]
    with pytest.raises(ImportBlocked) as blocked:
        load_workbook(plan=plan, result=read_workbook(workbooks.workbook_bytes({"Plan": rows})))
    preview = blocked.value.preview.as_dict()
    first = [f"Plan!C{n}" for n in range(2, 22)]
    assert preview["unmapped"] == {"Wobbly": [*first, "and 10 more"]}
    status, places = preview["read_as"]["Amber-ish"]
    assert (status, places[-2:]) == ("Medium progress", ["Plan!D21", "and 10 more"])
    form = MappingForm(plan=plan, preview=preview)
    assert form.fields["status_0"].help_text.endswith("Plan!C20, Plan!C21, and 10 more.")
    assert "Plan!D21, and 10 more." in form.fields["readas_0"].help_text
