"""Importing the files councils really have (issue 15): CSV files and SharePoint exports with
rich text, an updates sheet joined by ref, recommendations plans with lettered actions, and
sheets that are not actions (left out, by the importer or the administrator, or a Measures
sheet imported by the measure importer). Each layout is checked against what the workbook
says, and re-imported to show that nothing changes."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from plans.excel.errors import ImportBlocked
from plans.excel.formats import html_text
from plans.excel.load import create_plan, load_workbook
from plans.excel.read import read_workbook
from plans.measures.workbook import read_measure_sheets
from plans.models import Action, ImportJob, Measure, Plan, Recommendation, Source, Update
from tests import file_workbooks as books
from tests import workbooks


@pytest.fixture
def plan(db):
    return create_plan("Council Plan")


def imported(plan, data, **options):
    """Read and import `data` into `plan` for real; the preview."""
    result = read_workbook(data, skip_sheets=options.pop("skip_sheets", ()))
    measures = read_measure_sheets(data, result)
    return load_workbook(plan=plan, result=result, dry_run=False, measures=measures, **options)


def versions(plan):
    plan.refresh_from_db()
    return plan.data_version, plan.layout_version


def assert_reimport_changes_nothing(plan, data):
    before = versions(plan)
    counts = (Action.objects.count(), Update.objects.count(), Recommendation.objects.count())
    data.seek(0)
    preview = imported(plan, data)
    assert preview.totals["created"] == preview.totals["changed"] == 0
    assert preview.totals["updates_created"] == preview.totals["updates_changed"] == 0
    assert all(not s["recommendations_created"] and not s["links_added"] for s in preview.sources)
    assert not preview.changes_anything
    assert (Action.objects.count(), Update.objects.count(), Recommendation.objects.count()) == (
        counts
    )
    assert versions(plan) == before  # cached pages are not made stale for nothing


def updates_of(ref):
    return [
        (u.month, u.status.label, u.narrative, u.signature)
        for u in Update.objects.filter(action__ref=ref).select_related("status").order_by("month")
    ]


# Rich text.


@pytest.mark.parametrize(
    ("html", "text"),
    [
        (books.RICH_UPDATE, books.RICH_UPDATE_TEXT),
        (books.RICH_DESCRIPTION, books.RICH_DESCRIPTION_TEXT),
        ("<div><ol><li>First</li><li>Second</li></ol></div>", "1. First\n2. Second"),
        ("<p>One</p><p></p><p>Two&nbsp;&lt;words&gt;</p>", "One\n\nTwo <words>"),
        ("<5 days of slippage", "<5 days of slippage"),  # not markup: kept as written
        ("Plain text\nkept", "Plain text\nkept"),
    ],
)
def test_rich_text_becomes_plain_text_with_its_paragraphs_and_bullets(html, text):
    assert html_text(html) == text


# CSV files.

SHAREPOINT_CSV = (
    "Ref,Title,Lead officer,Due date,Status (January 2024),Update (January 2024)\r\n"
    'C1,Adopt the local plan,Head of Planning,31/03/2024,On track,"Examination done.\r\n'
    "Inspector's report due.\"\r\n"
    "C2,Publish the design code,Planning Manager,Jun-24,Medium progress,Consultant late.\r\n"
)
EXCEL_CSV = (
    "Key action;Reference;Responsible officer;Status (February 2024);"
    "Commentary (February 2024);Committee\r\n"
    "Cut energy use by 10%;E1;Energy Manager;On track;Saving £12,000 so far;Environment\r\n"
    ";;;;;\r\n"
    "Plant 500 trees;E2;Parks Manager;Not due to start;Planting season starts in "
    "November;Environment\r\n"
)


def test_a_sharepoint_csv_export_imports_every_field_and_update(plan):
    data = books.csv_bytes(SHAREPOINT_CSV, "Local plan list.csv")
    result = read_workbook(data)
    assert [s.name for s in result.sheets] == ["Local plan list"]
    imported(plan, data, source="Local plan list.csv")
    c1 = Action.objects.get(ref="C1")
    assert (c1.title, str(c1.lead_officer)) == ("Adopt the local plan", "Head of Planning")
    assert (c1.due_text, c1.due_date) == ("31/03/2024", datetime.date(2024, 3, 31))
    assert c1.theme.name == "Local plan list"
    assert updates_of("C1") == [
        (datetime.date(2024, 1, 1), "On track", "Examination done.\nInspector's report due.", "")
    ]
    c2 = Action.objects.get(ref="C2")
    assert (c2.title, c2.due_date) == ("Publish the design code", datetime.date(2024, 6, 1))
    assert updates_of("C2") == [
        (datetime.date(2024, 1, 1), "Medium progress", "Consultant late.", "")
    ]
    assert_reimport_changes_nothing(plan, data)


def test_an_excel_csv_with_semicolons_in_windows_1252_imports_too(plan):
    data = books.csv_bytes(EXCEL_CSV, "energy.csv", encoding="cp1252")
    imported(plan, data)
    e1 = Action.objects.get(ref="E1")
    assert (e1.title, str(e1.lead_officer)) == ("Cut energy use by 10%", "Energy Manager")
    assert [c.name for c in e1.committees.all()] == ["Environment"]
    assert updates_of("E1") == [
        (datetime.date(2024, 2, 1), "On track", "Saving £12,000 so far", "")
    ]
    assert updates_of("E2") == [
        (datetime.date(2024, 2, 1), "Not due to start", "Planting season starts in November", "")
    ]
    assert Action.objects.count() == 2
    assert_reimport_changes_nothing(plan, data)


def test_a_csv_with_a_problem_is_refused_naming_its_row_and_column(plan):
    data = books.csv_bytes("Ref,Action,Status (January 2024)\nR1,Do it,Purple\nR1,Other,\n")
    result = read_workbook(data)
    assert [(p.sheet, p.row, p.severity) for p in result.errors] == [("actions", 3, "error")]
    with pytest.raises(ImportBlocked) as blocked:
        load_workbook(plan=plan, result=result, dry_run=False)
    assert blocked.value.preview.unmapped == {"Purple": ["actions!C2"]}
    assert not Action.objects.exists()


# SharePoint "Export to Excel".


def test_a_sharepoint_excel_export_keeps_dates_and_stores_rich_text_as_plain_text(plan):
    data = books.sharepoint_export()
    preview = imported(plan, data)
    hs1 = Action.objects.get(ref="HS1")
    assert hs1.description == books.RICH_DESCRIPTION_TEXT
    assert (hs1.due_text, hs1.due_date) == ("30/06/2024", datetime.date(2024, 6, 30))
    assert updates_of("HS1") == [
        (datetime.date(2024, 1, 1), "On track", books.RICH_UPDATE_TEXT, "")
    ]
    hs2 = Action.objects.get(ref="HS2")
    assert (hs2.title, hs2.due_date) == ("Empty homes review", datetime.date(2024, 3, 1))
    assert updates_of("HS2") == [
        (datetime.date(2024, 1, 1), "Medium progress", "Waiting for data.", "")
    ]
    assert not Action.objects.filter(description__contains="<").exists()
    assert not Update.objects.filter(narrative__contains="<").exists()
    assert [h[2] for h in preview.unknown_headers] == ["Item Type", "Path"]
    assert_reimport_changes_nothing(plan, data)


def test_a_sharepoint_list_with_an_id_and_no_ref_takes_its_refs_from_the_id(plan):
    data = workbooks.workbook_bytes(
        {
            "query": [
                ["Title", "Status", "Latest Update", "Modified", "ID"],
                ["Fix the lights", "On Track", "Half done.", datetime.datetime(2024, 2, 14), 7],
                ["Mend the path", "Amber", "Waiting.", datetime.datetime(2024, 3, 2), 12],
            ]
        }
    )
    imported(plan, data)
    assert sorted(Action.objects.values_list("ref", "title")) == [
        ("12", "Mend the path"),
        ("7", "Fix the lights"),
    ]
    assert updates_of("7") == [(datetime.date(2024, 2, 1), "On track", "Half done.", "")]
    assert updates_of("12") == [(datetime.date(2024, 3, 1), "Medium progress", "Waiting.", "")]
    assert_reimport_changes_nothing(plan, data)


def test_an_item_id_is_the_ref_of_a_csv_but_not_beside_a_ref_column(plan):
    data = books.csv_bytes("Item ID,Title,Status (Jan 2024)\n31,Plant trees,Green\n", "trees.csv")
    imported(plan, data)
    assert list(Action.objects.values_list("ref", "title")) == [("31", "Plant trees")]
    assert_reimport_changes_nothing(plan, data)
    data = books.csv_bytes("Ref,Title,ID\nT9,Water trees,40\n", "water.csv")
    preview = imported(plan, data)
    assert Action.objects.get(ref="T9").title == "Water trees"
    assert [h[2] for h in preview.unknown_headers] == ["ID"]


# Actions plus an updates sheet.


def test_an_updates_sheet_gives_each_action_its_months_joined_by_ref(plan):
    data = books.actions_and_updates()
    result = read_workbook(data)
    assert [(s.name, s.kind) for s in result.sheets] == [
        ("Actions", "actions"),
        ("Updates", "updates"),
    ]
    preview = imported(plan, data)
    assert preview.months == ["2024-01", "2024-02"]
    assert preview.totals["updates_created"] == 3
    assert updates_of("A1") == [
        (datetime.date(2024, 1, 1), "On track", "Draft written.", "JS"),
        (datetime.date(2024, 2, 1), "On track", "Out to consultation.", "JS"),
    ]
    assert updates_of("A2") == [
        (datetime.date(2024, 1, 1), "Medium progress", "Vehicles ordered late.", "PK")
    ]
    a2 = Action.objects.get(ref="A2")
    assert (a2.title, str(a2.lead_officer), a2.due_text) == (
        "Roll out food waste collections",
        "Head of Waste",
        "Sep-24",
    )
    assert_reimport_changes_nothing(plan, data)


def test_an_updates_sheet_first_with_other_headings_and_a_summary_sheet_left_out(plan):
    data = books.updates_then_actions()
    result = read_workbook(data)
    assert [(s.name, s.kind, s.header_row) for s in result.sheets] == [
        ("Progress log", "updates", 3),
        ("Summary", "skipped", None),
        ("Actions", "actions", 1),
    ]
    assert result.errors == []
    later = [p for p in result.problems if "later March 2024 update" in p.message]
    assert [(p.sheet, p.row) for p in later] == [("Progress log", 4)]
    imported(plan, data)
    assert updates_of("B7") == [(datetime.date(2024, 3, 1), "On track", "Recovered.", "AB")]
    assert updates_of("B9") == [
        (datetime.date(2024, 2, 1), "Not due to start", "Starts in April.", "CD")
    ]
    b7 = Action.objects.get(ref="B7")
    assert (b7.theme.name, str(b7.lead_officer)) == ("Economy", "Head of Economy")
    assert_reimport_changes_nothing(plan, data)


def test_an_update_for_no_action_or_with_no_month_is_an_error_naming_its_cell(plan):
    data = workbooks.workbook_bytes(
        {
            "Actions": [["Ref", "Action"], ["A1", "Do it"]],
            "Updates": [
                ["Ref", "Date", "Status", "Update"],
                ["A9", "Jan-24", "On track", "Lost"],
                ["A1", "soon", "On track", "When?"],
            ],
        }
    )
    result = read_workbook(data)
    assert [(p.sheet, p.row, p.column) for p in result.errors] == [
        ("Updates", 3, "B"),
        ("Updates", 2, None),
    ]
    assert "A9 on the updates sheet matches no action" in result.errors[1].message
    with pytest.raises(ImportBlocked):
        load_workbook(plan=plan, result=result, dry_run=False)
    assert not Action.objects.exists()


def test_a_changed_update_on_the_updates_sheet_becomes_a_revision(plan):
    data = books.actions_and_updates()
    imported(plan, data)
    from openpyxl import load_workbook as open_xlsx

    data.seek(0)
    book = open_xlsx(data)
    book["Updates"]["D4"] = "Out to consultation until March."
    changed = io.BytesIO()
    book.save(changed)
    changed.seek(0)
    preview = imported(plan, changed)
    assert preview.totals["updates_changed"] == 1
    assert updates_of("A1")[1][2] == "Out to consultation until March."
    assert Update.objects.get(action__ref="A1", month=datetime.date(2024, 2, 1)).version == 2


# Recommendations plans.


def test_a_peer_challenge_plan_gives_lettered_actions_linked_to_their_recommendations(plan):
    data = books.peer_challenge()
    result = read_workbook(data)
    assert [(s.name, s.kind, s.header_row) for s in result.sheets] == [
        ("Peer challenge 2023", "recommendations", 2)
    ]
    preview = imported(plan, data)
    refs = list(Action.objects.order_by("sort_order").values_list("ref", "title", "theme__name"))
    assert refs == [
        ("1.a", "LGA to be invited after the May 2023 elections to facilitate sessions on the "
         "vision.", "Vision and Priorities"),
        ("1.b", "Undertake a 'Strategy Day' for all Group Leaders (e.g. with the LGA).",
         "Vision and Priorities"),
        ("1.c", "Use the CARES priorities as a basis for the Strategy Day.",
         "Vision and Priorities"),
        ("3.a", "Schedule a round table where officers feed in views.",
         "Officer/Member relations"),
        ("3.b", "Officers to provide key information to councillors.",
         "Officer/Member relations"),
    ]  # fmt: skip
    source = Source.objects.get(plan=plan)
    assert source.name == "Peer challenge 2023"
    recommendations = [
        (r.number, r.area, r.text, sorted(a.ref for a in r.actions.all()))
        for r in source.recommendations.all()
    ]
    assert recommendations == [
        (1, "Vision and Priorities", "Identify shared priorities.", ["1.a", "1.b", "1.c"]),
        (2, "Vision and Priorities", "Share your agreed political ambitions.",
         ["1.a", "1.b", "1.c"]),
        (3, "Officer/Member relations", "Reset the officer / Member working relationship.",
         ["3.a", "3.b"]),
    ]  # fmt: skip
    assert any("Recommendation 2" in note and "merged" in note for note in preview.notes)
    assert preview.sources == [
        {
            "name": "Peer challenge 2023",
            "created": True,
            "recommendations_created": [1, 2, 3],
            "recommendations_changed": [],
            "links_added": 8,
        }
    ]
    assert_reimport_changes_nothing(plan, data)


def test_a_recommendations_plan_with_an_area_column_and_a_measures_sheet(plan):
    data = books.recommendations_with_area_column()
    result = read_workbook(data)
    assert [(s.name, s.kind) for s in result.sheets] == [
        ("Sheet1", "recommendations"),
        ("Measures", "measures"),
    ]
    preview = imported(plan, data)
    actions = [
        (a.ref, a.title, a.theme.name, str(a.lead_officer))
        for a in Action.objects.order_by("sort_order")
    ]
    assert actions == [
        ("4.a", "Agree a timetable with the auditor", "Finance", "Chief Finance Officer"),
        ("4.b", "Report progress to Audit Committee", "Finance", "Chief Finance Officer"),
        ("5.a", "Visit two councils", "Governance", "Monitoring Officer"),
    ]
    source = Source.objects.get(plan=plan)
    assert source.name == "Audit review"  # the file's name: "Sheet1" says nothing
    assert [(r.number, r.area) for r in source.recommendations.all()] == [
        (4, "Finance"),
        (5, "Governance"),
    ]
    measure = Measure.objects.get(plan=plan)
    assert measure.name == "Audits outstanding"
    assert [v.value for v in measure.values.all()] == [3]
    assert preview.measures["created"] == ["Audits outstanding"]
    assert_reimport_changes_nothing(plan, data)


# Sheets that are not actions.


def test_a_sheet_with_a_ref_column_but_no_actions_is_left_out_without_blocking(plan):
    data = workbooks.workbook_bytes(
        {
            "Plan": [["Ref", "Action"], ["A1", "Do it"]],
            "Lookups": [["Ref", "Director"], ["D1", "Chief Executive"]],
            "Old": [["Ref", "Action"], ["Z1", "Hidden"]],
        },
        hidden=["Old"],
    )
    preview = imported(plan, data)
    assert [(s["name"], s["kind"]) for s in preview.sheets] == [
        ("Plan", "actions"),
        ("Lookups", "skipped"),
        ("Old", "skipped"),
    ]
    assert "no column for the action itself" in preview.sheets[1]["note"]
    assert list(Action.objects.values_list("ref", flat=True)) == ["A1"]


def test_a_measures_sheet_in_another_layout_is_said_to_be_left_out(plan):
    data = workbooks.workbook_bytes(
        {
            "Plan": [["Ref", "Action"], ["A1", "Do it"]],
            "Measures": [["Measure", "Q1 2024/25 weird words"], ["Audits", 3]],
        }
    )
    preview = imported(plan, data)
    assert Action.objects.count() == 1 and not Measure.objects.exists()
    assert any("The measures were left out" in w["message"] for w in preview.warnings)
    assert preview.measures["blocked"] is True


def test_import_plan_reads_a_csv_and_leaves_out_a_sheet_on_request(db, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(SHAREPOINT_CSV, encoding="utf-8-sig")
    out = io.StringIO()
    call_command("import_plan", str(path), "--plan", "lp", "--create", "Local plan", stdout=out)
    assert "Sheet 'plan': actions" in out.getvalue()
    assert sorted(Action.objects.values_list("ref", flat=True)) == ["C1", "C2"]

    book = tmp_path / "waste.xlsx"
    book.write_bytes(books.actions_and_updates().getvalue())
    out = io.StringIO()
    call_command(
        "import_plan", str(book), "--plan", "w", "--create", "Waste", "--skip-sheet", "Updates",
        stdout=out,
    )  # fmt: skip
    assert "Sheet 'Updates': left out (left out when importing)" in out.getvalue()
    assert not Update.objects.filter(action__plan__slug="w").exists()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_plan", str(book), "--plan", "w", "--skip-sheet", "Actions", stdout=io.StringIO()
        )
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_plan", str(book), "--plan", "w", "--skip-sheet", "Update", stdout=io.StringIO(),
            stderr=err,
        )  # fmt: skip
    assert "no sheet named 'Update' to leave out; the sheets are 'Actions', 'Updates'" in (
        err.getvalue()
    )


# The web preview.


def test_a_csv_upload_previews_and_a_sheet_can_be_left_out_with_its_tick_box(client_for):
    admin = client_for("admin")
    data = books.actions_and_updates()
    admin.post(reverse("plans:import"), {"workbook": data, "new_plan_name": "Waste"}, follow=True)
    job = ImportJob.objects.get()
    page = admin.get(reverse("plans:import_job", args=[job.pk])).content.decode()
    assert "Sheets in the file (2)" in page
    assert "updates, joined to their actions by ref" in page
    assert 'name="sheets-included"' in page and 'value="Updates"' in page  # a tick box
    assert job.preview["totals"]["updates_created"] == 3
    response = admin.post(
        reverse("plans:import_job", args=[job.pk]),
        {"sheets-submitted": "1", "sheets-included": ["Actions"]},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.skipped_sheets == ["Updates"]
    assert job.preview["totals"]["updates_created"] == 0
    page = admin.get(reverse("plans:import_job", args=[job.pk])).content.decode()
    assert "<strong>Updates</strong>: left out" in page
    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Action.objects.count() == 2 and not Update.objects.exists()

    csv_file = books.csv_bytes(SHAREPOINT_CSV, "local plan.csv")
    admin.post(reverse("plans:import"), {"workbook": csv_file, "plan": Plan.objects.get().pk})
    job = ImportJob.objects.order_by("-pk").first()
    assert job.preview["totals"]["created"] == 2
    assert job.preview["sheets"] == [{"name": "local plan", "kind": "actions", "note": ""}]


def test_an_updates_sheet_may_have_ten_times_the_rows_of_actions_but_no_more(db):
    from plans.excel.errors import ImportFileError

    updates = [["Ref", "Month", "Status"]] + [["A1", "Jan-24", "On track"]] * 21
    data = workbooks.workbook_bytes({"Plan": [["Ref", "Action"], ["A1", "x"]], "U": updates})
    with pytest.raises(ImportFileError, match="updates sheets have more than 20 rows"):
        read_workbook(data, max_rows=2)
    data = workbooks.workbook_bytes({"Plan": [["Ref", "Action"], ["A1", "x"]], "U": updates[:21]})
    assert read_workbook(data, max_rows=2).errors == []


def test_an_updates_sheet_beside_a_current_pair_without_a_month_asks_the_month(tmp_path):
    """The current pair's month is still to be asked when the updates sheet is joined on."""
    book = Workbook()
    actions = book.active
    actions.title = "Actions"
    actions.append(["Ref", "Action", "Status", "Latest update"])
    actions.append(["A1", "Do it", "On track", "Going well"])
    updates = book.create_sheet("Updates")
    updates.append(["Ref", "Month", "Status", "Update"])
    updates.append(["A1", "January 2024", "Medium progress", "Slow"])
    path = tmp_path / "current-and-updates.xlsx"
    book.save(path)
    result = read_workbook(path)
    assert [(e.month, e.status) for e in result.rows[0].months] == [
        (datetime.date(2024, 1, 1), "Medium progress"),
        (None, "On track"),
    ]
    assert [where[:3] for where in result.month_needed] == [("Actions", "C", "Status")]
