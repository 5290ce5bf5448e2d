"""Exports: the tracker's rows as shown, to Excel and CSV, never as formulas; and the whole
plan as JSON, from a URL or a command."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Update
from tests import factories


@pytest.fixture
def council(plan, people):
    parent = factories.action(plan, "CM.A1.0", title="Listen to residents")
    survey = factories.action(
        plan,
        "CM.A1.1",
        parent=parent,
        title='=HYPERLINK("http://evil.example","Survey")',
        lead="Head of HR",
        due_text="Mar-24",
    )
    homes = factories.action(plan, "CM.B1.1", workstream="Housing", title="Build 100 homes")
    factories.update(survey, "2024-01", "Medium progress", "-2 weeks behind; @clerk to chase.")
    factories.update(homes, "2024-01", "On track", "+10 homes this month.", author=people["lead"])
    return plan


def get(client, name, query=""):
    response = client.get(reverse(name, args=["corporate-plan"]) + query)
    assert response.status_code == 200
    return response


def test_csv_has_the_filtered_rows_and_no_formulas(council, client_for):
    response = get(client_for("councillor"), "plans:export_csv", "?rag=amber")
    assert response["Content-Disposition"].startswith('attachment; filename="corporate-plan-')
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:5] == ["Theme", "Workstream", "Ref", "Part of", "Action"]
    assert [row[2] for row in rows[1:]] == ["CM.A1.1"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Action"] == '\'=HYPERLINK("http://evil.example","Survey")'
    assert row["Latest update"] == "'-2 weeks behind; @clerk to chase."
    assert row["Due date"] == "2024-03-01"
    assert row["Status"] == "Medium progress"
    assert row["Part of"] == "CM.A1.0"


def test_xlsx_has_a_frozen_header_set_widths_and_text_never_formulas(council, client_for):
    response = get(client_for("councillor"), "plans:export_xlsx", "?sort=ref")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["E"].width == 60
    refs = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert refs == ["CM.A1.0", "CM.A1.1", "CM.B1.1"]
    survey = [cell for cell in sheet[3]]
    assert survey[4].value == '\'=HYPERLINK("http://evil.example","Survey")'
    assert survey[4].data_type == "s"
    assert survey[11].value == "'-2 weeks behind; @clerk to chase."
    assert sheet["L4"].value == "'+10 homes this month."
    assert survey[7].value.date().isoformat() == "2024-03-01"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_json_export_has_every_action_and_update(council, client_for):
    response = get(client_for("councillor"), "plans:export_json")
    data = json.loads(response.content)
    assert data["plan"]["slug"] == "corporate-plan"
    assert [t["name"] for t in data["themes"]] == ["Community"]
    assert [w["name"] for w in data["themes"][0]["workstreams"]] == ["Engagement", "Housing"]
    assert [a["ref"] for a in data["actions"]] == ["CM.A1.0", "CM.A1.1", "CM.B1.1"]
    homes = data["actions"][2]
    assert homes["workstream"] == "Housing"
    update = homes["updates"][0]
    assert {k: update[k] for k in ("month", "status", "rag", "narrative", "author")} == {
        "month": "2024-01",
        "status": "On track",
        "rag": "green",
        "narrative": "+10 homes this month.",
        "author": "lead",
    }
    assert update["updated_at"].startswith("20")
    assert data["actions"][1]["parent"] == "CM.A1.0"
    assert data["actions"][1]["due_date"] == "2024-03-01"


def test_the_command_writes_the_same_json_and_leaves_out_unpublished_updates(council):
    Update.objects.filter(action__ref="CM.B1.1").update(approval=Update.Approval.SUBMITTED)
    out = io.StringIO()
    call_command("export_plan", "--plan", "corporate-plan", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert [len(a["updates"]) for a in data["actions"]] == [0, 1, 0]


def test_the_command_names_a_plan_it_cannot_find(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no plan with the slug 'nope'"):
        call_command("export_plan", "--plan", "nope")


ADDED = "&columns=director&columns=member_lead&columns=start&columns=other_leads"
LAST = "&columns=last_status&columns=last_narrative"


@pytest.fixture
def cabinet(council):
    """The survey (amber in January, its December update on track) followed by Cabinet, with
    a director, a member lead whose name reads as a formula, a start and other leads."""
    from plans.models import Committee, Post

    committee = Committee.objects.create(name="Cabinet", slug="cabinet")
    survey = council.actions.get(ref="CM.A1.1")
    survey.committees.add(committee)
    survey.director = Post.objects.get_or_create(name="Director of Place")[0]
    survey.member_lead = "=cmd|' /C calc'!A0"
    survey.start_text = "Apr-23"
    survey.save()
    survey.other_leads.add(Post.objects.get_or_create(name="Head of Policy")[0])
    factories.update(survey, "2023-12", "On track", "December: all well.")
    return committee


def test_xlsx_carries_the_chosen_columns_an_autofilter_a_frozen_header_and_a_telling_name(
    cabinet, client_for
):
    response = get(
        client_for("councillor"),
        "plans:export_xlsx",
        f"?committee={cabinet.pk}&rag=amber" + ADDED + LAST,
    )
    name = "corporate-plan-committee-cabinet-amber-2024-01.xlsx"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    # The usual thirteen keep their letters; the chosen ones follow.
    assert header[:3] == ["Theme", "Workstream", "Ref"]
    assert header[13:] == [
        "Other leads",
        "Director",
        "Member lead",
        "Start (as written)",
        "Start date",
        "Status, December 2023",
        "Update, December 2023",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:T2"
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["Ref"] == "CM.A1.1"
    assert row["Other leads"] == "Head of Policy"
    assert row["Director"] == "Director of Place"
    assert row["Member lead"] == "'=cmd|' /C calc'!A0"
    assert row["Start (as written)"] == "Apr-23"
    assert row["Start date"].date().isoformat() == "2023-04-01"
    assert row["Status, December 2023"] == "On track"
    assert row["Update, December 2023"] == "December: all well."
    assert row["Status"] == "Medium progress"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_csv_carries_the_same_columns(cabinet, client_for):
    response = get(client_for("councillor"), "plans:export_csv", "?sort=ref" + ADDED + LAST)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert len(rows[0]) == 20
    assert rows[0][13:15] == ["Other leads", "Director"]
    survey = dict(zip(rows[0], rows[2], strict=True))
    assert survey["Ref"] == "CM.A1.1"
    assert survey["Member lead"] == "'=cmd|' /C calc'!A0"
    assert survey["Update, December 2023"] == "December: all well."
    homes = dict(zip(rows[0], rows[3], strict=True))
    assert homes["Status, December 2023"] == "No update"


def test_the_file_name_says_the_month_shown_and_keeps_a_name_in_other_letters(cabinet, client_for):
    response = get(client_for("councillor"), "plans:export_csv", "?q=caf%C3%A9&month=2023-12-01")
    assert response["Content-Disposition"] == (
        'attachment; filename="corporate-plan-cafe-2023-12.csv"; '
        "filename*=UTF-8''corporate-plan-caf%C3%A9-2023-12.csv"
    )


def test_a_councillor_never_finds_a_draft_in_last_months_column_of_a_download(cabinet, client_for):
    Update.objects.filter(narrative="December: all well.").update(
        approval=Update.Approval.SUBMITTED
    )
    response = get(client_for("councillor"), "plans:export_csv", "?sort=ref" + LAST)
    assert "December: all well." not in response.content.decode()
