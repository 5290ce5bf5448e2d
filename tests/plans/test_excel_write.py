"""The plan written back out in the tracker layout, and read back in unchanged."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook as open_xlsx

from plans.excel.load import create_plan, load_workbook
from plans.excel.read import read_workbook
from plans.excel.write import CELL_LIMIT, export_plan, sheet_title
from plans.models import Action, Committee, Post, Update, UpdateRevision
from tests import factories, workbooks

LONG = ("Long narrative. " * 5000).strip()  # about 80,000 characters: three cells


@pytest.fixture
def source(db):
    """The real sample imported, plus the awkward things a plan collects."""
    plan = create_plan("Improvement Plan")
    load_workbook(
        plan=plan,
        result=read_workbook(workbooks.SAMPLE),
        mapping={"New Action Added": "Not due to start"},
        dry_run=False,
    )
    action = plan.actions.get(ref="OC.A2.1")
    action.description = "- first bullet\n- second bullet"
    action.outcome = "=SUM(A1:A9) is not a formula here"
    action.save()
    action.other_leads.set(
        [Post.objects.get_or_create(name=n)[0] for n in ("Comms", "Head of Finance")]
    )
    action.committees.add(
        Committee.objects.create(name="Corporate Policy and Resources", slug="cpr")
    )
    factories.update(action, "2024-02", "On track", narrative=LONG)
    factories.update(
        plan.actions.get(ref="OC.A2.3"), "2024-02", "Complete", narrative="@everyone +1 -2 =3"
    )
    return plan


def snapshot(plan):
    """Everything a reader of the plan sees, keyed by ref."""
    actions = {}
    for action in plan.actions.select_related(
        "theme", "workstream", "parent", "director", "lead_officer", "update_owner"
    ).prefetch_related("other_leads", "committees"):
        actions[action.ref] = (
            action.theme.name,
            action.workstream.name if action.workstream else "",
            action.parent.ref if action.parent else None,
            action.title,
            action.description,
            action.outcome,
            action.source,
            action.risk,
            str(action.director or ""),
            str(action.lead_officer or ""),
            str(action.update_owner or ""),
            action.member_lead,
            action.start_text,
            action.start_date,
            action.due_text,
            action.due_date,
            sorted(str(p) for p in action.other_leads.all()),
            sorted(str(c) for c in action.committees.all()),
        )
    updates = sorted(
        Update.objects.filter(action__plan=plan).values_list(
            "action__ref", "month", "status__label", "narrative"
        )
    )
    return actions, updates


def test_importing_the_export_into_an_empty_plan_reproduces_the_plan(source):
    exported = export_plan(source)
    copy = create_plan("Copy")
    preview = load_workbook(plan=copy, result=read_workbook(io.BytesIO(exported)), dry_run=False)
    assert preview.errors == []
    assert snapshot(copy) == snapshot(source)
    assert (
        Update.objects.get(
            action__plan=copy, action__ref="OC.A2.1", narrative__startswith="Long"
        ).narrative
        == LONG
    )


def test_importing_the_export_into_the_same_plan_changes_nothing(source):
    before = (
        Action.objects.count(),
        Update.objects.count(),
        UpdateRevision.objects.count(),
        snapshot(source),
    )
    preview = load_workbook(
        plan=source, result=read_workbook(io.BytesIO(export_plan(source))), dry_run=False
    )
    assert preview.totals == {
        "created": 0,
        "changed": 0,
        "unchanged": 22,
        "updates_created": 0,
        "updates_changed": 0,
    }
    assert (
        Action.objects.count(),
        Update.objects.count(),
        UpdateRevision.objects.count(),
        snapshot(source),
    ) == before


def test_the_export_has_the_tracker_layout_and_no_formulas(source):
    book = open_xlsx(io.BytesIO(export_plan(source)))
    assert book.sheetnames == [
        "Theme 1 -Organisational Culture",
        "Status definitions",
        "Continued text",
    ]
    sheet = book["Theme 1 -Organisational Culture"]
    header = [cell.value for cell in sheet[2]]
    assert header[:3] == ["Theme", "Workstream", "Ref"]
    assert header[-6:] == [
        "Status (December 2023)",
        "Update (December 2023)",
        "Status (January 2024)",
        "Update (January 2024)",
        "Status (February 2024)",
        "Update (February 2024)",
    ]
    assert sheet.freeze_panes == "D3"
    cells = [
        cell for ws in book for row in ws.iter_rows() for cell in row if cell.value is not None
    ]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert max(len(str(cell.value)) for cell in cells) <= CELL_LIMIT
    continued = [[c.value for c in row] for row in book["Continued text"].iter_rows(min_row=2)]
    assert [(ref, month, field, part) for ref, month, field, part, _ in continued] == [
        ("OC.A2.1", "2024-02", "narrative", 2),
        ("OC.A2.1", "2024-02", "narrative", 3),
    ]


def test_sheet_names_are_valid_and_unique():
    used = set()
    assert (
        sheet_title("Theme 1: People / Culture [draft]", used)
        == "Theme 1  People   Culture  draf"[:31]
    )
    assert sheet_title("Theme 1: People / Culture [draft]", used).endswith("(2)")
    assert sheet_title("Status definitions", set()) == "Status definitions (2)"


def test_signed_in_users_download_the_workbook(source, client_for):
    response = client_for("councillor").get(reverse("plans:workbook", args=[source.slug]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="improvement-plan.xlsx"'
    assert (
        open_xlsx(io.BytesIO(response.content)).sheetnames[0] == "Theme 1 -Organisational Culture"
    )
