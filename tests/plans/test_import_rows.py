"""Rows and fields councils' plans have: band rows giving the theme, rows that are not actions,
Yes/No flags, priorities served, committees and "Quarter for completion" (families 2 and 6)."""

import datetime

import pytest
from openpyxl import Workbook

from plans.excel.errors import ImportBlocked
from plans.excel.load import create_plan, load_workbook
from plans.excel.read import read_workbook
from plans.models import Action, Committee, Plan, Update
from tests.workbooks import to_bytes

DELIVERY_HEADER = ["Ref", "Milestone", "Lead", "Target date", "Status (March 2024)",
                   "Update (March 2024)"]  # fmt: skip


def delivery_plan():
    """A delivery plan (family 6): a title block, priority band rows merged across, notes,
    a repeated header, a total row with =COUNTA() in the Ref column and a milestone without
    a title. Milestones have a lead and a target date written "March 2024".

    Rows: 4 band "Priority: A thriving borough"; 5 TB1, 6 TB2; 7 note; 8 band "Priority: Safe
    and clean neighbourhoods"; 9 SC1; 10 "SC9" with no milestone; 11 repeated header;
    12 band "Area: Waste"; 13 SC2; 14 total row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Delivery Plan 2023-24"
    sheet.append(["Council Plan Delivery Plan 2023/24"])
    sheet.append(["Milestones by priority"])
    sheet.append(DELIVERY_HEADER)
    rows = [
        ["Priority: A thriving borough"],
        ["TB1", "Open the innovation centre", "Head of Growth", "March 2024", "Green",
         "Opened on time."],
        ["TB2", "Adopt the local plan", "Planning Manager", "December 2024", "Amber",
         "Inspector's report late."],
        ["Note: milestones in italics are carried over from 2022/23"],
        ["Priority: Safe and clean neighbourhoods"],
        ["SC1", "Launch the community safety partnership", "Community Safety Manager",
         "June 2023", "Complete", "Launched in June."],
        ["SC9", None, "Community Safety Manager", "March 2024"],
        DELIVERY_HEADER,
        ["Area: Waste"],
        ["SC2", "Introduce food waste collections", "Waste Manager", "September 2024", "Red",
         None],
        ["=COUNTA(A5:A13)", "Total milestones"],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    for number in (4, 8, 12):
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=6)
    return to_bytes(workbook)


def delivery_plan_by_area():
    """Another delivery plan: two sheets, the milestone before its ref, theme and workstream
    bands in the milestone column, a target date as a real date cell and as "Sept 2024", a
    key to the colours (a note) and a sub-total row.

    Place: 1 header; 2 band "Theme: Growing the economy"; 3 band "Workstream: Town centres";
    4 P1; 5 band "Workstream: Skills"; 6 P2; 8 key. People: 1 header; 2 C1; 3 sub-total."""
    header = ["Milestone", "Ref", "Lead officer", "Target date", "Status (June 2023)"]
    workbook = Workbook()
    place = workbook.active
    place.title = "Place"
    for row in [
        header,
        ["Theme: Growing the economy"],
        ["Workstream: Town centres"],
        ["Regenerate the market square", "P1", "Head of Regeneration", "March 2024", "Green"],
        ["Workstream: Skills"],
        ["Open a skills hub", "P2", "Skills Lead", datetime.datetime(2024, 6, 1), "Amber"],
        [],
        ["Key: G = on track, A = some slippage"],
    ]:
        place.append(row)
    for number in (2, 3, 5):
        place.merge_cells(start_row=number, start_column=1, end_row=number, end_column=5)
    people = workbook.create_sheet("People")
    for row in [
        header,
        ["Refresh the carers strategy", "C1", "Head of Adult Care", "Sept 2024", None],
        ["Milestones: 1", "Sub-total"],
    ]:
        people.append(row)
    return to_bytes(workbook)


IMPACT_HEADER = ["Theme", "Ref", "Key action", "Task officer", "Quarter for completion",
                 "Contract", "Statutory function", "Support function", "Efficiency",
                 "Council Plan Priority 1 – Resource and Opportunity",
                 "Council Plan Priority 2 – Sustainable Communities", "Committee"]  # fmt: skip


def impact_assessment():
    """A 3-year service action plan (family 2) on two sheets in another order: a Theme column
    with band rows (no word before a colon) naming the workstream, Yes/No/blank flags, one
    column per Council Plan priority holding Yes, a total row, a committee, and "Quarter for completion"
    as a number counting from the plan's first year (1 = April to June)."""
    workbook = Workbook()
    first = workbook.active
    first.title = "Housing"
    first.append(IMPACT_HEADER)
    for row in [
        ["Housing"],
        [None, "Homes for local people"],
        [None, "H1", "Build 40 affordable homes", "Housing Officer", 4, "Yes", "No", None,
         "yes", None, "Yes", "Housing Committee"],
        [None, "H2", "Review the allocations policy", "Housing Officer", "Q6", None, "Yes",
         None, None, None, "Yes", "Housing Committee; Cabinet"],
        [None, "Total", "=COUNTA(C3:C5)"],
    ]:  # fmt: skip
        first.append(row)
    second = workbook.create_sheet("Finance")
    second.append(IMPACT_HEADER[:2] + ["Action", "Lead officer", "Quarter for completion",
                                       "Efficiency", "Council Plan Priority 1 – Resource and "
                                       "Opportunity"])  # fmt: skip
    for row in [
        ["Finance", "F1", "Move payroll to the shared service", "Payroll Manager", 12, "Y",
         "Yes"],
        [None, "F2", "Retender the insurance contract", "Risk Officer", 1, "No", None],
    ]:  # fmt: skip
        second.append(row)
    return to_bytes(workbook)


@pytest.fixture
def plan(db):
    plan = create_plan("Council Plan")
    plan.start = datetime.date(2023, 4, 1)
    plan.save()
    return plan


def stored(plan):
    return {
        action.ref: (
            action.theme.name,
            action.theme.priority.name if action.theme.priority else "",
            action.workstream.name if action.workstream else "",
            action.title,
            str(action.lead_officer or ""),
            action.due_text,
            action.due_date,
        )
        for action in Action.objects.filter(plan=plan).select_related(
            "theme__priority", "workstream", "lead_officer"
        )
    }


def updates(plan):
    return sorted(
        Update.objects.filter(action__plan=plan).values_list(
            "action__ref", "month", "status__label", "narrative"
        )
    )


def versions(plan):
    return Plan.objects.filter(pk=plan.pk).values_list("data_version", "layout_version").get()


def test_a_delivery_plan_takes_its_themes_from_band_rows_and_skips_rows_that_are_not_actions(
    plan,
):
    result = read_workbook(delivery_plan())
    assert [(p.row, p.column, p.value, p.message) for p in result.problems] == [
        (7, "A", "Note: milestones in italics are carried over from 2022/23",
         "A note, not an action; skipped."),
        (10, "B", "SC9", "Row has Ref SC9 but no action in column B; skipped."),
        (14, "A", "=COUNTA(A5:A13)",
         "This row counts or sums the actions, not an action; skipped."),
    ]  # fmt: skip
    load_workbook(plan=plan, result=result, dry_run=False)
    march = datetime.date(2024, 3, 1)
    assert stored(plan) == {
        "TB1": ("A thriving borough", "A thriving borough", "", "Open the innovation centre",
                "Head of Growth", "March 2024", march),
        "TB2": ("A thriving borough", "A thriving borough", "", "Adopt the local plan",
                "Planning Manager", "December 2024", datetime.date(2024, 12, 1)),
        "SC1": ("Safe and clean neighbourhoods", "Safe and clean neighbourhoods", "",
                "Launch the community safety partnership", "Community Safety Manager",
                "June 2023", datetime.date(2023, 6, 1)),
        # The repeated header starts a new block: its band names the theme again.
        "SC2": ("Waste", "", "", "Introduce food waste collections", "Waste Manager",
                "September 2024", datetime.date(2024, 9, 1)),
    }  # fmt: skip
    assert updates(plan) == [
        ("SC1", march, "Complete", "Launched in June."),
        ("SC2", march, "Significant issues / slippage", ""),
        ("TB1", march, "On track", "Opened on time."),
        ("TB2", march, "Medium progress", "Inspector's report late."),
    ]


def test_a_delivery_plan_by_area_takes_theme_and_workstream_bands_on_each_sheet(plan):
    result = read_workbook(delivery_plan_by_area())
    assert [(p.sheet, p.row, p.column, p.message) for p in result.problems] == [
        ("Place", 8, "A", "A note, not an action; skipped."),
        ("People", 3, "B", "This row counts or sums the actions, not an action; skipped."),
    ]
    load_workbook(plan=plan, result=result, dry_run=False)
    assert stored(plan) == {
        "P1": ("Growing the economy", "", "Town centres", "Regenerate the market square",
               "Head of Regeneration", "March 2024", datetime.date(2024, 3, 1)),
        "P2": ("Growing the economy", "", "Skills", "Open a skills hub", "Skills Lead",
               "Jun-24", datetime.date(2024, 6, 1)),
        "C1": ("People", "", "", "Refresh the carers strategy", "Head of Adult Care",
               "Sept 2024", datetime.date(2024, 9, 1)),
    }  # fmt: skip
    june = datetime.date(2023, 6, 1)
    assert updates(plan) == [
        ("P1", june, "On track", ""),
        ("P2", june, "Medium progress", ""),
    ]


def test_an_impact_assessment_gives_flags_priorities_served_committees_and_quarter_due_dates(
    plan,
):
    result = read_workbook(impact_assessment())
    assert [(p.sheet, p.row, p.value) for p in result.problems] == [("Housing", 6, "Total")]
    load_workbook(plan=plan, result=result, dry_run=False)
    actions = Action.objects.filter(plan=plan).prefetch_related("priorities", "committees")
    found = {
        a.ref: (
            a.theme.name,
            a.workstream.name if a.workstream else "",
            a.due_text,
            a.due_date,
            (a.contract, a.statutory, a.support_function, a.efficiency),
            sorted(p.name for p in a.priorities.all()),
            sorted(c.name for c in a.committees.all()),
        )
        for a in actions
    }
    resource, communities = "Resource and Opportunity", "Sustainable Communities"
    assert found == {
        # Quarter 4 of a plan starting April 2023 is January to March 2024.
        "H1": ("Housing", "Homes for local people", "March 2024", datetime.date(2024, 3, 1),
               (True, False, False, True), [communities], ["Housing Committee"]),
        "H2": ("Housing", "Homes for local people", "September 2024",
               datetime.date(2024, 9, 1), (False, True, False, False), [communities],
               ["Cabinet", "Housing Committee"]),
        "F1": ("Finance", "", "March 2026", datetime.date(2026, 3, 1),
               (False, False, False, True), [resource], []),
        "F2": ("Finance", "", "June 2023", datetime.date(2023, 6, 1),
               (False, False, False, False), [], []),
    }  # fmt: skip
    assert sorted(plan.priorities.values_list("name", flat=True)) == [resource, communities]


@pytest.mark.parametrize("build", [delivery_plan, delivery_plan_by_area, impact_assessment])
def test_importing_again_changes_nothing_and_leaves_the_cache_alone(plan, build):
    load_workbook(plan=plan, result=read_workbook(build()), dry_run=False)
    before = (stored(plan), updates(plan), versions(plan))
    again = load_workbook(plan=plan, result=read_workbook(build()), dry_run=False)
    assert again.totals["changed"] == again.totals["created"] == 0
    assert again.totals["updates_created"] == again.totals["updates_changed"] == 0
    assert (stored(plan), updates(plan), versions(plan)) == before


def test_a_flag_that_is_not_yes_or_no_is_refused_naming_its_cell(plan):
    workbook = Workbook()
    workbook.active.append(["Ref", "Action", "Statutory", "Quarter for completion"])
    workbook.active.append(["A1", "Do it", "Maybe", "next spring"])
    result = read_workbook(to_bytes(workbook))
    assert [(p.row, p.column, p.value, p.severity) for p in result.problems] == [
        (2, "C", "Maybe", "error"),
        (2, "D", "next spring", "error"),
    ]
    with pytest.raises(ImportBlocked):
        load_workbook(plan=plan, result=result, dry_run=False)
    assert not Action.objects.exists()


def test_a_plan_without_a_start_counts_quarters_from_its_first_month_and_says_so(db):
    plan = create_plan("No start")
    workbook = Workbook()
    workbook.active.append(["Ref", "Action", "Quarter for completion", "Status (May 2024)"])
    workbook.active.append(["A1", "Do it", 2, "Green"])
    preview = load_workbook(plan=plan, result=read_workbook(to_bytes(workbook)), dry_run=False)
    assert Action.objects.get(ref="A1").due_date == datetime.date(2024, 9, 1)
    assert any("April to June 2024" in note for note in preview.notes)


def test_a_committee_written_in_another_case_is_the_committee_the_council_has(plan):
    Committee.objects.create(name="Housing Committee", slug="housing-committee")
    book = Workbook()
    book.active.append(["Ref", "Action", "Committee"])
    book.active.append(["H1", "Build homes", "housing committee; Cabinet"])
    load_workbook(plan=plan, result=read_workbook(to_bytes(book)), dry_run=False)
    assert sorted(Action.objects.get(ref="H1").committees.values_list("name", flat=True)) == [
        "Cabinet",
        "Housing Committee",
    ]
    assert Committee.objects.count() == 2
