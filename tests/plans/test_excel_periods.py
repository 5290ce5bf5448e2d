"""Headings councils write, and the period each status or narrative heading is for."""

import datetime

import pytest

from plans.excel import headers, periods
from plans.excel.load import header_synonyms
from plans.excel.read import read_workbook
from tests.workbooks import workbook_bytes


def month(year, number):
    return datetime.date(year, number, 1)


@pytest.mark.parametrize(
    ("text", "year", "label", "stored_on"),
    [
        ("Q1 Status", 2023, "Q1 2023/24", month(2023, 6)),
        ("Q2 RAG", 2023, "Q2 2023/24", month(2023, 9)),
        ("Q3 Progress Report", 2023, "Q3 2023/24", month(2023, 12)),
        ("Q4 Commentary", 2023, "Q4 2023/24", month(2024, 3)),
        ("Q2 2023/24 RAG", None, "Q2 2023/24", month(2023, 9)),
        ("Quarter 3 2023/24 Status", 2030, "Q3 2023/24", month(2023, 12)),
        ("Qtr 1 23-24 update", None, "Q1 2023/24", month(2023, 6)),
        ("2nd Quarter Status", 2024, "Q2 2024/25", month(2024, 9)),
        ("Status (December 2023)", None, "December 2023", month(2023, 12)),
        ("Dec-23", None, "December 2023", month(2023, 12)),
        ("15/12/2023", None, "December 2023", month(2023, 12)),
    ],
)
def test_the_period_a_heading_or_band_names(text, year, label, stored_on):
    period = periods.period_in_text(text, year)
    assert (period.label, period.month) == (label, stored_on)


@pytest.mark.parametrize(
    "text", ["Status", "Quarter for completion", "Q5 Status", "Q1 2023/25", "Objective 2"]
)
def test_headings_naming_no_period(text):
    assert periods.period_in_text(text, 2023) is None


def test_a_quarter_without_a_year_or_a_plan_year_waits_for_an_answer():
    period = periods.period_in_text("Q1 Status")
    assert (period.kind, period.month, period.label) == ("quarter", None, "Q1")


def test_the_year_of_a_plan_and_the_answers_as_typed():
    class Plan:
        start = datetime.date(2024, 2, 1)

    assert periods.plan_year(Plan) == 2023
    assert periods.plan_year(None) is None
    assert periods.parse_month("2024-01") == month(2024, 1)
    assert periods.parse_month("January 2024") == month(2024, 1)
    assert periods.parse_year("2023/24") == periods.parse_year("2023") == 2023
    for bad, parse in [("2024-13", periods.parse_month), ("2023/25", periods.parse_year)]:
        with pytest.raises(ValueError):
            parse(bad)


def heading(texts, above=None, year=None, synonyms=None):
    return headers.read_header(1, texts, headers.vocabulary(synonyms), above, year)


def test_the_headings_councils_write_are_recognised():
    header = heading(
        [
            "Ref",
            "Tasks",
            "Objective",
            "Service Team",
            "Supporting Officers",
            "Task Officer",
            "RAG",
            "Commentary",
            "Direction of travel",
            "Modified",
        ]
    )
    assert header.fields == {
        "ref": 0,
        "title": 1,
        "theme": 2,
        "workstream": 3,
        "other_leads": 4,
        "lead_officer": 5,
    }
    current = header.current
    assert (current.status, current.narrative) == (6, 7)
    assert header.left_out == [(8, "Direction of travel")]
    assert header.modified == 9
    assert header.unknown == []


@pytest.mark.parametrize(
    ("status", "narrative"),
    [
        ("BRAG", "Progress Report"),
        ("Current RAG status", "Latest update"),
        ("Status of Project", "Progress Report"),
        ("Overall status", "Comments"),
    ],
)
def test_one_current_status_and_update_however_headed(status, narrative):
    current = heading(["Ref", "Action", status, narrative]).current
    assert (current.status, current.narrative) == (2, 3)


def test_compound_headings_of_known_words():
    header = heading(["Ref No", "Action / Milestone", "Lead officer & Team", "Risk / Issues"])
    assert header.fields == {"ref": 0, "title": 1, "lead_officer": 2}
    assert header.unknown == [(3, "Risk / Issues")]


def test_direction_of_travel_is_left_out_unless_mapped():
    decisions = {"Direction of travel": "outcome"}
    header = heading(
        ["Ref", "Action", "Direction of travel"], synonyms=header_synonyms(None, decisions)
    )
    assert header.fields["outcome"] == 2
    assert header.left_out == []


def test_pairs_under_a_band_row_take_its_months_in_order():
    header = heading(
        ["Ref", "Action", "Status", "Update", "Status", "Update"],
        above=["", "", "Jan-24", "", "December 2023", ""],
    )
    assert [(m.month, m.status, m.narrative) for m in header.months] == [
        (month(2023, 12), 4, 5),
        (month(2024, 1), 2, 3),
    ]
    assert header.duplicates == []


def test_a_current_date_out_of_range_is_an_error_naming_its_cell():
    data = workbook_bytes(
        {
            "List": [
                ["Ref", "Action", "Status", "Latest update", "Last updated"],
                ["A1", "Do it", "Green", "Done.", "01/01/1999"],
            ]
        }
    )
    result = read_workbook(data)
    (error,) = result.errors
    assert (error.sheet, error.row, error.column) == ("List", 2, "E")
    assert "January 1999" in error.message
