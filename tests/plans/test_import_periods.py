"""Which period each status and update column is for, in the layouts councils keep: months
named in the heading or in a band row above it (the monthly tracker), quarters (quarterly
monitoring), and one current Status / Latest Update pair dated by a Modified column or by the
administrator. Each workbook is built here; every action and update stored is checked against
it, and importing it again changes nothing."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from plans.excel.errors import ImportBlocked
from plans.excel.load import create_plan, load_workbook
from plans.excel.read import read_workbook
from plans.models import Action, ImportJob, Plan, Update
from plans.summary import figures
from tests.plans.test_import_views import upload
from tests.workbooks import to_bytes


def month(year, number):
    return datetime.date(year, number, 1)


def build(sheets, hidden_sheets=(), hidden_columns=(), merges=()):
    """A workbook of `sheets` ({name: rows}); `merges` are (sheet, range) merged cells."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        if name in hidden_sheets:
            sheet.sheet_state = "hidden"
    for name, letter in hidden_columns:
        workbook[name].column_dimensions[letter].hidden = True
    for name, cells in merges:
        workbook[name].merge_cells(cells)
    return to_bytes(workbook)


def stored(plan):
    """Every action as {ref: {field: value}} and every update as {(ref, month): (status,
    narrative)}, read back from the database."""
    actions = {}
    for action in Action.objects.filter(plan=plan).select_related(
        "theme", "workstream", "lead_officer", "director"
    ):
        actions[action.ref] = {
            "title": action.title,
            "theme": action.theme.name,
            "workstream": action.workstream.name if action.workstream else "",
            "lead_officer": str(action.lead_officer or ""),
            "other_leads": sorted(str(post) for post in action.other_leads.all()),
            "due": action.due_text,
        }
    updates = {
        (update.action.ref, update.month): (update.status.label, update.narrative)
        for update in Update.objects.filter(action__plan=plan).select_related("action", "status")
    }
    return actions, updates


def versions(plan):
    plan = Plan.objects.get(pk=plan.pk)
    return plan.data_version, plan.layout_version


def import_twice(plan, data, **options):
    """Import `data` for real, then again: the second changes nothing, not even the cache
    versions. Returns the first preview."""
    first = load_workbook(plan=plan, result=read_workbook(data, **options), dry_run=False)
    before, again = stored(plan), versions(plan)
    assert again != (0, 0)  # the first import did raise them
    data.seek(0)
    second = load_workbook(plan=plan, result=read_workbook(data, **options), dry_run=False)
    assert second.totals == {
        "created": 0,
        "changed": 0,
        "unchanged": len(before[0]),
        "updates_created": 0,
        "updates_changed": 0,
    }
    assert stored(plan) == before
    assert versions(plan) == again
    return first


@pytest.fixture
def plan(db):
    return create_plan("Delivery Plan")


# Family 1: the monthly tracker -----------------------------------------------------------


def monthly_named():
    """Month-named pairs under a logo and title block, a hidden column, a hidden helper sheet,
    statuses retyped in lower case, and a narrative with no status."""
    rows = [
        ["[logo]"],
        ["Improvement Plan Tracker", None, None, "Updated monthly"],
        [],
        [
            "Ref",
            "Tasks",
            "Task Officer",
            "Supporting Officers",
            "Internal code",
            "Status (December 2023)",
            "Update (December 2023)",
            "Jan-24 RAG",
            "Jan-24 Commentary",
        ],
        [
            "T1",
            "Adopt the waste strategy",
            "Head of Waste",
            "Head of Finance; Head of Legal",
            "x1",
            "on track",
            "Consultation closed.",
            "Complete",
            "Adopted by Cabinet.",
        ],
        [
            "T2",
            "Open the hub",
            "Head of Libraries",
            None,
            "x2",
            None,
            "Site chosen, no rating yet.",
            "medium progress",
            "Builder appointed.",
        ],
    ]
    return build(
        {"Lists": [["On track"], ["Complete"]], "Tracker": rows},
        hidden_sheets=["Lists"],
        hidden_columns=[("Tracker", "E")],
    )


def test_a_monthly_tracker_with_months_in_the_headings_imports_every_update(plan):
    preview = import_twice(plan, monthly_named())
    actions, updates = stored(plan)
    assert actions == {
        "T1": {
            "title": "Adopt the waste strategy",
            "theme": "Tracker",
            "workstream": "",
            "lead_officer": "Head of Waste",
            "other_leads": ["Head of Finance", "Head of Legal"],
            "due": "",
        },
        "T2": {
            "title": "Open the hub",
            "theme": "Tracker",
            "workstream": "",
            "lead_officer": "Head of Libraries",
            "other_leads": [],
            "due": "",
        },
    }
    assert updates == {
        ("T1", month(2023, 12)): ("On track", "Consultation closed."),
        ("T1", month(2024, 1)): ("Complete", "Adopted by Cabinet."),
        ("T2", month(2023, 12)): ("Not given", "Site chosen, no rating yet."),
        ("T2", month(2024, 1)): ("Medium progress", "Builder appointed."),
    }
    assert preview.updates_not_given == 1
    assert [p["label"] for p in preview.periods] == ["December 2023", "January 2024"]
    assert preview.unknown_headers == [["Tracker", "E", "Internal code"]]


def monthly_band():
    """The month only in a band row merged across each Status / Update pair: a real date
    cell over December, text over January; the pairs come before the owners."""
    rows = [
        ["Delivery tracker"],
        [None, None, datetime.datetime(2023, 12, 1), None, "January 2024", None, None],
        [
            "Reference",
            "Action / Milestone",
            "RAG",
            "Progress Report",
            "BRAG",
            "Update",
            "Lead officer",
        ],
        ["D1", "Refit the depot", "Green", "Roof done.", "Amber", "Walls late.", "Head of Fleet"],
        ["D2", "Sell the offices", "red", "No buyer.", None, None, "Head of Property"],
    ]
    return build(
        {"Depot": rows, "Summary": [["Overall"], ["20 actions"]]},
        merges=[("Depot", "C2:D2"), ("Depot", "E2:F2")],
    )


def test_a_month_in_a_merged_band_row_above_each_pair_dates_its_columns(plan):
    preview = import_twice(plan, monthly_band(), synonyms=None)
    actions, updates = stored(plan)
    assert {ref: (a["title"], a["lead_officer"]) for ref, a in actions.items()} == {
        "D1": ("Refit the depot", "Head of Fleet"),
        "D2": ("Sell the offices", "Head of Property"),
    }
    assert updates == {
        ("D1", month(2023, 12)): ("On track", "Roof done."),
        ("D1", month(2024, 1)): ("Medium progress", "Walls late."),
        ("D2", month(2023, 12)): ("Significant issues / slippage", "No buyer."),
    }
    assert preview.months == ["2023-12", "2024-01"]
    assert preview.unknown_headers == []


def test_a_third_column_under_a_band_is_read_on_its_own_heading():
    data = build(
        {
            "Plan": [
                [None, None, "December 2023"],
                ["Ref", "Action", "Status", "Update", "Evidence of delivery"],
                ["A1", "Do it", "Green", "Done.", "Minutes"],
            ]
        }
    )
    result = read_workbook(data)
    entry = result.rows[0].months
    assert [(e.month, e.status, e.narrative) for e in entry] == [
        (month(2023, 12), "Green", "Done.")
    ]
    assert result.unknown_headers == [("Plan", "E", "Evidence of delivery")]


# Family 2: quarterly monitoring ----------------------------------------------------------


def quarterly_without_year():
    """Quarters with no year: a plan starting April 2023 places them in 2023/24."""
    rows = [
        [
            "Ref",
            "Tasks",
            "Service Team",
            "Task Officer",
            "Quarter for completion",
            "Q1 Status",
            "Q1 Progress Report",
            "Q2 RAG",
            "Q2 Commentary",
            "Direction of travel",
        ],
        [
            "S1",
            "Review the fees",
            "Planning",
            "Head of Planning",
            "2",
            "In progress",
            "Benchmarking done.",
            "Completed",
            "New fees from July.",
            "Up",
        ],
        [
            "S2",
            "Digitise the forms",
            "Customer Services",
            "Head of Digital",
            "4",
            "Not yet due",
            None,
            "Delayed",
            "Supplier late.",
            "Down",
        ],
    ]
    return build({"Action plan": rows})


def test_quarters_without_a_year_are_quarters_of_the_plans_financial_year(plan):
    plan.start = datetime.date(2023, 4, 1)
    plan.save()
    preview = load_workbook(plan=plan, result=read_workbook(quarterly_without_year(), year=2023))
    assert [p["label"] for p in preview.periods] == ["Q1 2023/24", "Q2 2023/24"]
    assert [p["stored_on"] for p in preview.periods] == ["June 2023", "September 2023"]
    left_out = [c["heading"] for c in preview.columns if c["becomes"] == ""]
    assert left_out == ["Direction of travel"]
    assert preview.unknown_headers == []
    import_twice(plan, quarterly_without_year(), year=2023)
    actions, updates = stored(plan)
    assert {
        ref: (a["title"], a["workstream"], a["lead_officer"]) for ref, a in actions.items()
    } == {
        "S1": ("Review the fees", "Planning", "Head of Planning"),
        "S2": ("Digitise the forms", "Customer Services", "Head of Digital"),
    }
    assert updates == {
        ("S1", month(2023, 6)): ("On track", "Benchmarking done."),
        ("S1", month(2023, 9)): ("Complete", "New fees from July."),
        ("S2", month(2023, 6)): ("Not due to start", ""),
        ("S2", month(2023, 9)): ("Significant issues / slippage", "Supplier late."),
    }


def quarterly_with_years():
    """Two sheets: quarters written with their years, and a sheet whose title block gives the
    year of its quarters."""
    corporate = [
        [
            "Ref",
            "Action",
            "Lead officer",
            "Quarter 3 2023/24 Status",
            "Q3 2023/24 Commentary",
            "Q4 2023-24 BRAG",
            "Q4 2023-24 Progress Report",
        ],
        [
            "C1",
            "Balance the budget",
            "Director of Finance",
            "Amber",
            "Gap of 2m.",
            "Green",
            "Gap closed.",
        ],
    ]
    housing = [
        ["Housing Delivery Plan 2024/25"],
        ["Ref", "Objective", "Action", "Q1 Status", "Q1 Update"],
        ["H1", "More homes", "Build 200 homes", "Green", "120 started."],
        ["H2", "More homes", "Buy 20 homes", "Completed", "All bought."],
    ]
    return build({"Corporate": corporate, "Housing": housing})


def test_quarters_with_years_or_a_year_in_the_title_block_are_placed_in_it(plan):
    preview = import_twice(plan, quarterly_with_years())
    actions, updates = stored(plan)
    assert {ref: (a["title"], a["theme"]) for ref, a in actions.items()} == {
        "C1": ("Balance the budget", "Corporate"),
        "H1": ("Build 200 homes", "More homes"),
        "H2": ("Buy 20 homes", "More homes"),
    }
    assert updates == {
        ("C1", month(2023, 12)): ("Medium progress", "Gap of 2m."),
        ("C1", month(2024, 3)): ("On track", "Gap closed."),
        ("H1", month(2024, 6)): ("On track", "120 started."),
        ("H2", month(2024, 6)): ("Complete", "All bought."),
    }
    assert [p["label"] for p in preview.periods] == ["Q3 2023/24", "Q4 2023/24", "Q1 2024/25"]


def test_a_plan_keeping_quarters_on_their_first_month_imports_them_there(plan, client_for):
    """Plan.quarter_month: the web preview says which month each quarter is kept on, the import
    keeps it there, and a second import of the same workbook changes nothing."""
    plan.quarter_month = Plan.QuarterMonth.FIRST
    plan.full_clean()
    plan.save()
    admin = client_for("admin")
    for _ in range(2):
        page = upload(admin, quarterly_with_years().getvalue(), plan=plan.pk).content.decode()
        assert "Q3 2023/24 (stored on October 2023)" in page
        assert "Q1 2024/25 (stored on April 2024)" in page
        admin.post(reverse("plans:import_confirm", args=[ImportJob.objects.latest("pk").pk]))
        assert sorted(Update.objects.values_list("action__ref", "month")) == [
            ("C1", month(2023, 10)),
            ("C1", month(2024, 1)),
            ("H1", month(2024, 4)),
            ("H2", month(2024, 4)),
        ]


def test_the_month_a_quarter_is_kept_on_cannot_change_once_the_plan_has_updates(plan, tmp_path):
    path = tmp_path / "quarters.xlsx"
    path.write_bytes(quarterly_with_years().getvalue())
    plan.quarter_month = Plan.QuarterMonth.MIDDLE
    plan.full_clean()
    plan.save()
    call_command("import_plan", str(path), "--plan", plan.slug, stdout=io.StringIO())
    assert sorted(set(Update.objects.values_list("month", flat=True))) == [
        month(2023, 11),
        month(2024, 2),
        month(2024, 5),
    ]
    plan.quarter_month = Plan.QuarterMonth.LAST
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert "can no longer change" in str(refused.value.message_dict["quarter_month"])


def test_quarters_with_no_year_anywhere_ask_for_the_financial_year(plan, tmp_path):
    path = tmp_path / "quarters.xlsx"
    path.write_bytes(quarterly_without_year().getvalue())
    with pytest.raises(ImportBlocked) as blocked:
        load_workbook(plan=plan, result=read_workbook(path))
    assert blocked.value.preview.year_needed == [
        ["Action plan", "F", "Q1 Status"],
        ["Action plan", "G", "Q1 Progress Report"],
        ["Action plan", "H", "Q2 RAG"],
        ["Action plan", "I", "Q2 Commentary"],
    ]
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_plan", str(path), "--plan", plan.slug, stdout=io.StringIO(), stderr=err
        )
    assert "names a quarter without a year" in err.getvalue()
    assert "--year 2023/24" in err.getvalue()
    assert not Update.objects.exists()
    call_command(
        "import_plan", str(path), "--plan", plan.slug, "--year", "2024/25", stdout=io.StringIO()
    )
    assert sorted(set(Update.objects.values_list("month", flat=True))) == [
        month(2024, 6),
        month(2024, 9),
    ]


# Family 3: one current status ------------------------------------------------------------


def current_with_modified():
    """A list export: one Status and Latest Update per row, dated by Modified."""
    rows = [
        ["Ref", "Title", "Status", "Latest Update", "Modified", "Created By"],
        [
            "L1",
            "Fix the lights",
            "On Track",
            "Half done.",
            datetime.datetime(2024, 2, 14, 9, 30),
            "Sam",
        ],
        ["L2", "Mend the roads", "Complete", "Resurfaced.", datetime.datetime(2024, 3, 2), "Ali"],
        ["L3", "Clean the parks", None, "Waiting for budget.", "05/03/2024", "Ali"],
    ]
    return build({"Items": rows})


def test_a_current_status_takes_its_month_from_the_modified_date(plan):
    preview = import_twice(plan, current_with_modified())
    actions, updates = stored(plan)
    assert sorted(actions) == ["L1", "L2", "L3"]
    assert actions["L1"]["title"] == "Fix the lights"
    assert updates == {
        ("L1", month(2024, 2)): ("On track", "Half done."),
        ("L2", month(2024, 3)): ("Complete", "Resurfaced."),
        ("L3", month(2024, 3)): ("Not given", "Waiting for budget."),
    }
    assert preview.months == ["2024-02", "2024-03"]
    assert preview.unknown_headers == [["Items", "F", "Created By"]]


def current_without_date():
    return build(
        {
            "Programme": [
                ["Transformation programme"],
                [
                    "Action ref",
                    "Action / Milestone",
                    "Responsible officer",
                    "RAG status",
                    "Commentary",
                ],
                ["P1", "Move to the cloud", "Head of IT", "Amber", "Two systems left."],
                ["P2", "Close the print room", "Head of IT", "Green", "Done in May."],
            ]
        }
    )


def test_a_current_status_with_no_date_asks_which_month_it_is(plan, tmp_path):
    path = tmp_path / "current.xlsx"
    path.write_bytes(current_without_date().getvalue())
    with pytest.raises(ImportBlocked) as blocked:
        load_workbook(plan=plan, result=read_workbook(path))
    assert blocked.value.preview.month_needed == [["Programme", "D", "RAG status", 2]]
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_plan", str(path), "--plan", plan.slug, stdout=io.StringIO(), stderr=err
        )
    assert "add --month YYYY-MM" in err.getvalue()
    assert not Action.objects.exists()
    call_command(
        "import_plan", str(path), "--plan", plan.slug, "--month", "2024-05", stdout=io.StringIO()
    )
    assert stored(plan)[1] == {
        ("P1", month(2024, 5)): ("Medium progress", "Two systems left."),
        ("P2", month(2024, 5)): ("On track", "Done in May."),
    }
    import_twice(plan, io.BytesIO(path.read_bytes()), month=month(2024, 5))


def test_the_web_preview_asks_the_month_and_the_year_and_imports_with_them(client_for):
    admin = client_for("admin")
    page = upload(admin, current_without_date().getvalue()).content.decode()
    assert "Which month are the current status and update for?" in page
    assert "Confirm and import" not in page
    job = ImportJob.objects.get()
    url = reverse("plans:import_job", args=[job.pk])
    page = admin.post(url, {"month": "next month"}, follow=True).content.decode()
    assert "is not a month" in page
    page = admin.post(url, {"month": "2024-05"}, follow=True).content.decode()
    assert "Confirm and import" in page
    assert "May 2024" in page
    admin.post(reverse("plans:import_confirm", args=[job.pk]))
    assert sorted(Update.objects.values_list("action__ref", "month")) == [
        ("P1", month(2024, 5)),
        ("P2", month(2024, 5)),
    ]

    page = upload(
        admin, quarterly_without_year().getvalue(), name="q.xlsx", new_plan_name="Quarters"
    ).content.decode()
    assert "Which financial year are the quarters in?" in page
    job = ImportJob.objects.latest("pk")
    page = admin.post(
        reverse("plans:import_job", args=[job.pk]), {"financial_year": "2023/24"}, follow=True
    ).content.decode()
    assert "Q1 2023/24 (stored on June 2023)" in page
    assert "Direction of travel" in page
    assert "Confirm and import" in page


# Words given without a status -------------------------------------------------------------


def test_words_without_a_status_are_shown_as_not_given_and_not_counted(plan, people, client_for):
    import_twice(plan, monthly_named())
    not_given = plan.statuses.get(not_given=True)
    assert (not_given.label, not_given.counted) == ("Not given", False)
    december = figures(plan, [month(2023, 12)]).overall_at(month(2023, 12))
    rows = {status.label: (count, share) for status, count, share in december.rows()}
    assert rows["Not given"] == (1, None)
    assert rows["On track"] == (1, 100)
    # Never offered to an officer writing an update.
    assert "Not given" not in [s.label for s in plan.statuses.offered()]


def test_the_preview_says_how_many_updates_have_no_status(client_for):
    page = upload(client_for("admin"), monthly_named().getvalue()).content.decode()
    assert "Updates with words but no status" in page
    assert "kept, with the status “Not given”" in page


# Answers about columns ----------------------------------------------------------------------


def test_a_mapped_status_or_narrative_takes_its_period_from_the_heading_or_modified(plan, tmp_path):
    path = tmp_path / "mapped.xlsx"
    path.write_bytes(
        build(
            {
                "Plan": [
                    [
                        "Ref",
                        "Action",
                        "Q1 2024/25 Colour",
                        "Q1 2024/25 Words",
                        "Position",
                        "Date updated",
                    ],
                    [
                        "M1",
                        "Mend it",
                        "Green",
                        "Half mended.",
                        "Nearly there.",
                        datetime.datetime(2024, 8, 20),
                    ],
                ]
            }
        ).getvalue()
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_plan", str(path), "--plan", plan.slug, stdout=io.StringIO(), stderr=err
        )
    assert "'Q1 2024/25 Colour' (Plan C) names a month or quarter" in err.getvalue()
    call_command(
        "import_plan",
        str(path),
        "--plan",
        plan.slug,
        "--map-column",
        "Q1 2024/25 Colour=status",
        "--map-column",
        "Q1 2024/25 Words=narrative",
        "--map-column",
        "Position=narrative",
        stdout=io.StringIO(),
    )
    assert stored(plan)[1] == {
        ("M1", month(2024, 6)): ("On track", "Half mended."),
        ("M1", month(2024, 8)): ("Not given", "Nearly there."),
    }
    plan.refresh_from_db()
    # Remembered without the period, so next year's quarters need no answer.
    assert plan.header_synonyms == {"narrative": ["position", "words"], "status": ["colour"]}
    result = read_workbook(
        build({"Plan": [["Ref", "Action", "Q2 2025/26 Colour"], ["M1", "Mend it", "Green"]]}),
        synonyms=plan.header_synonyms,
    )
    assert [(e.month, e.status) for e in result.rows[0].months] == [(month(2025, 9), "Green")]


def test_a_title_naming_the_quarter_dates_a_plain_status_and_commentary(plan):
    data = build(
        {
            "Delivery": [
                ["Council Plan Delivery Plan 2023/24 Quarter 2 Monitoring"],
                ["Ref", "Milestone", "Lead", "Status", "Commentary"],
                ["DL1", "Adopt the local plan", "Head of Planning", "Green", "Examination done."],
            ]
        }
    )
    preview = import_twice(plan, data)
    assert stored(plan)[1] == {("DL1", month(2023, 9)): ("On track", "Examination done.")}
    assert [p["label"] for p in preview.periods] == ["Q2 2023/24"]


def test_the_command_places_quarters_in_the_plans_financial_year(plan, tmp_path):
    plan.start = datetime.date(2025, 5, 1)
    plan.save()
    path = tmp_path / "quarters.xlsx"
    path.write_bytes(quarterly_without_year().getvalue())
    out = io.StringIO()
    call_command("import_plan", str(path), "--plan", plan.slug, stdout=out)
    assert "Action plan J 'Direction of travel' e.g. 'Up': Left out" in out.getvalue()
    assert sorted(set(Update.objects.values_list("month", flat=True))) == [
        month(2025, 6),
        month(2025, 9),
    ]


def test_the_month_and_unknown_status_words_are_asked_in_one_round(plan):
    data = build(
        {
            "List": [
                ["Ref", "Action", "Status", "Latest update"],
                ["A1", "Open the pool", "Wobbly", "Tiles cracked."],
                ["A2", "Shut the tip", None, "Consulting."],
            ]
        }
    )
    with pytest.raises(ImportBlocked) as blocked:
        load_workbook(plan=plan, result=read_workbook(data))
    preview = blocked.value.preview
    assert preview.month_needed == [["List", "C", "Status", 2]]
    assert preview.unmapped == {"Wobbly": ["List!C2"]}
    data.seek(0)
    load_workbook(
        plan=plan,
        result=read_workbook(data, month=month(2024, 4)),
        mapping={"Wobbly": "Medium progress"},
        dry_run=False,
    )
    assert stored(plan)[1] == {
        ("A1", month(2024, 4)): ("Medium progress", "Tiles cracked."),
        ("A2", month(2024, 4)): ("Not given", "Consulting."),
    }


def test_blue_on_a_brag_tracker_is_complete_without_asking(plan):
    data = build(
        {
            "BRAG": [
                ["Ref", "Tasks", "Jan-24 BRAG", "Jan-24 Commentary", "Feb-24 BRAG"],
                ["B1", "Open the hub", "Green", "Fitting out.", "Blue"],
                ["B2", "Close the depot", "blue", "Closed.", None],
            ]
        }
    )
    preview = import_twice(plan, data)
    assert preview.unmapped == {} and preview.read_as == {} and preview.maybe_unmapped == {}
    assert stored(plan)[1] == {
        ("B1", month(2024, 1)): ("On track", "Fitting out."),
        ("B1", month(2024, 2)): ("Complete", ""),
        ("B2", month(2024, 1)): ("Complete", "Closed."),
    }


def tracker_of(months):
    """A tracker with a "<Mon-YY> Position" (not recognised) and a "<Mon-YY> BRAG" column for
    each of `months`."""
    header = ["Ref", "Tasks"]
    row = ["P1", "Mend the roads"]
    for name in months:
        header += [f"{name} Position", f"{name} BRAG", f"{name} Commentary"]
        row += ["Ahead", "Green", f"{name} done."]
    return build({"Tracker": [header, row]})


def test_a_month_heading_left_out_is_left_out_for_every_later_month(plan, tmp_path):
    path = tmp_path / "january.xlsx"
    path.write_bytes(tracker_of(["Jan-24"]).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_plan", str(path), "--plan", plan.slug, stdout=io.StringIO(), stderr=err
        )
    assert "'Jan-24 Position' (Tracker C) names a month or quarter" in err.getvalue()
    call_command(
        "import_plan", str(path), "--plan", plan.slug,
        "--map-column", "Jan-24 Position=ignore", "--map-column", "Jan-24 BRAG=ignore",
        stdout=io.StringIO(),
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.header_synonyms == {"ignore_period": ["brag", "position"]}
    # Next month's workbook asks nothing: both answers hold for February and March.
    path = tmp_path / "march.xlsx"
    path.write_bytes(tracker_of(["Jan-24", "Feb-24", "Mar-24"]).getvalue())
    out = io.StringIO()
    call_command("import_plan", str(path), "--plan", plan.slug, stdout=out)
    printed = out.getvalue()
    assert "Tracker F 'Feb-24 Position' e.g. 'Ahead': Left out" in printed
    assert "Tracker G 'Feb-24 BRAG' e.g. 'Green': Left out" in printed
    assert "Tracker J 'Mar-24 BRAG' e.g. 'Green': Left out" in printed
    assert stored(plan)[1] == {
        ("P1", month(2024, number)): ("Not given", f"{name} done.")
        for number, name in [(1, "Jan-24"), (2, "Feb-24"), (3, "Mar-24")]
    }
    # Answered otherwise, the heading is remembered the other way for every month.
    call_command(
        "import_plan", str(path), "--plan", plan.slug, "--map-column", "Feb-24 BRAG=status",
        stdout=io.StringIO(),
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.header_synonyms == {"ignore_period": ["position"], "status": ["brag"]}
    assert stored(plan)[1][("P1", month(2024, 3))] == ("On track", "Mar-24 done.")
