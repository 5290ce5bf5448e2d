"""The reading half of the Excel importer: workbooks in, plain rows and problems out."""

import datetime
import io
import os
import pathlib
import zipfile

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from plans.excel import read
from plans.excel.errors import ImportFileError
from plans.excel.read import read_workbook
from tests import workbooks

DEC_2023 = datetime.date(2023, 12, 1)
JAN_2024 = datetime.date(2024, 1, 1)
FEB_2024 = datetime.date(2024, 2, 1)
NO_REF = "No column headed Ref, Reference, Action ref or ID found in any sheet"


def by_ref(result):
    return {row.ref: row for row in result.rows}


def month(row, day):
    return next(entry for entry in row.months if entry.month == day)


def messages(result, severity=None):
    return [p.message for p in result.problems if severity in (None, p.severity)]


# The real tracker in tests/data (tests only: the app never reads it).


@pytest.fixture(scope="module")
def sample():
    return read_workbook(workbooks.SAMPLE)


def test_sample_reads_every_action_without_problems(sample):
    assert len(sample.rows) == 22
    assert [row.ref for row in sample.rows[:3]] == ["OC.A2.0", "OC.A2.1", "OC.A2.3"]
    assert sample.rows[-1].ref == "OC.G1.5"
    assert sample.problems == []
    assert sample.unknown_headers == []
    assert sample.months == [DEC_2023, JAN_2024]
    assert sample.sheets == [
        read.SheetSummary("Status definitions", 1, "status definitions", ""),
        read.SheetSummary("Theme 1 -Organisational Culture", 3, "actions", ""),
    ]


def test_sample_action_values_and_months(sample):
    action = by_ref(sample)["OC.A2.1"]
    assert action.row == 5
    assert action.theme == "Theme 1 -Organisational Culture"
    assert action.values["title"] == "Workforce Strategy approved"
    assert action.values["director"] == "Chief Executive"
    assert action.values["member_lead"] == "Deputy Leader"
    assert action.values["other_leads"] == "Head of HR"
    assert action.values["start"] == "Dec-22"
    assert action.values["due"] == "Mar-24"
    assert action.values["risk"] == "N/A"
    december = month(action, DEC_2023)
    assert december.status == "Medium Progress- actual/ projected slippage of 1-2 months"
    assert december.narrative.endswith("(Ds 18.12.23)")
    assert (december.status_column, december.narrative_column) == ("K", "L")
    assert month(action, JAN_2024).narrative.endswith("DS. 11.01.24")


def test_sample_text_dates_owner_and_line_breaks(sample):
    actions = by_ref(sample)
    assert actions["OC.B2.5"].values["due"] == "TBC"
    assert actions["OC.B2.5"].values["start"] == ""
    assert actions["OC.B2.5"].values["update_owner"] == "HR Team Manager L&D/OD"
    assert actions["OC.E2.0"].values["due"] == "Ongoing"
    assert actions["OC.G1.4"].values["start"] == "June 2023"
    assert "\n- Launch and share events" in actions["OC.A2.3"].values["title"]
    # Only months with something in them: OC.C4.0 has a status but no update.
    parent = actions["OC.C4.0"]
    assert [(m.month, m.status, m.narrative) for m in parent.months] == [
        (DEC_2023, "N/A", ""),
        (JAN_2024, "N/A", ""),
    ]


def test_sample_workstreams_filled_down(sample):
    actions = by_ref(sample)
    assert actions["OC.A2.4"].workstream == "Establishing Organisational Culture"
    assert actions["OC.B2.5"].workstream == "Officer Learning and Development"
    assert actions["OC.G1.5"].workstream == "Embedding Constitutional Changes"
    assert list(dict.fromkeys(row.workstream for row in sample.rows)) == [
        "Establishing Organisational Culture",
        "Officer Learning and Development",
        "Officer and Member Relationship",
        "Member Learning and Development",
        "Internal Communications",
        "Embedding Constitutional Changes",
    ]


def test_sample_status_definitions(sample):
    definitions = sample.status_definitions
    assert [d.label for d in definitions] == [
        "On Track",
        "Medium progress",
        "Significant issues / slippage",
        "Not due to start",
        "Complete",
        "Closed",
        "N/A",
        "On hold",
    ]
    assert definitions[5].definition.startswith("Action is complete and there is evidence")
    assert definitions[5].leadership_action == "Evidence to be provided"
    assert definitions[7].leadership_action == ""


def test_path_string_path_and_open_file_read_the_same(sample):
    with open(workbooks.SAMPLE, "rb") as file:
        from_file = read_workbook(file)
        assert not file.closed  # the caller's file is the caller's to close
    from_path = read_workbook(pathlib.Path(workbooks.SAMPLE))
    assert from_file.rows == sample.rows == from_path.rows


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_reading_a_path_leaves_no_file_open():
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(3):
        read_workbook(workbooks.SAMPLE)
    assert len(os.listdir("/proc/self/fd")) == before


# Built layouts.


def test_sample_like_layout():
    result = read_workbook(workbooks.sample_like())
    assert result.problems == []
    assert result.sheets[1] == read.SheetSummary(
        "Theme 1 -Organisational Culture", 3, "actions", ""
    )
    assert [(row.row, row.ref, row.workstream) for row in result.rows] == [
        (4, "OC.A2.0", "Establishing Organisational Culture"),
        (5, "OC.A2.1", "Establishing Organisational Culture"),
        (6, "OC.A2.3", "Establishing Organisational Culture"),
        (7, "OC.B2.0", "Officer Learning and Development"),
        (8, "OC.B2.5", "Officer Learning and Development"),
    ]
    actions = by_ref(result)
    assert (actions["OC.A2.1"].values["start"], actions["OC.A2.1"].values["due"]) == (
        "Dec-22",
        "Mar-24",
    )
    assert (actions["OC.B2.5"].values["start"], actions["OC.B2.5"].values["due"]) == (
        "June 2023",
        "TBC",
    )
    assert [(m.month, m.status) for m in actions["OC.B2.5"].months] == [(DEC_2023, "N/A")]
    assert month(actions["OC.A2.3"], JAN_2024).status == "Complete"
    assert [d.label for d in result.status_definitions] == ["On Track", "Medium progress", "Closed"]


def test_theme_column_layout_other_words_and_order():
    result = read_workbook(workbooks.theme_column_layout())
    assert result.problems == []
    assert result.sheets == [read.SheetSummary("Action plan", 2, "actions", "")]
    assert [(row.ref, row.theme) for row in result.rows] == [
        ("C1", "Community"),
        ("C2", "Community"),
        ("E1", "Environment"),
        ("E2", "Environment"),
    ]
    first = result.rows[0]
    assert first.values == {
        "ref": "C1",
        "theme": "Community",
        "title": "Open two family hubs",
        "lead_officer": "Head of Early Help",
        "member_lead": "Cllr Patel",
        "due": "Mar-24",
    }
    assert first.months == [
        read.MonthEntry(JAN_2024, "Green", "Both sites found. JS 10.01.24", "G", "H"),
        read.MonthEntry(FEB_2024, "Green", "", "I", ""),
    ]
    assert result.months == [JAN_2024, FEB_2024]
    assert result.unknown_headers == [("Action plan", "J", "Notes for clerk")]
    assert by_ref(result)["E2"].months == []


def test_repeated_header_blocks_and_trailing_formatted_rows():
    data = workbooks.repeated_headers_layout()
    # The formatting is really there: openpyxl sees the empty yellow rows.
    assert openpyxl.load_workbook(data)["Housing"].max_row >= workbooks.TRAILING_FORMATTED_ROWS
    data.seek(0)
    result = read_workbook(data)
    assert result.problems == []
    assert [(row.sheet, row.row, row.ref, row.theme, row.workstream) for row in result.rows] == [
        ("Housing", 4, "H1", "Housing", "Homes"),
        ("Housing", 5, "H2", "Housing", "Homes"),
        ("Housing", 10, "H3", "Housing", "Homelessness"),
        ("Housing", 11, "H4", "Housing", "Homelessness"),
        ("Environment", 4, "E1", "Environment", ""),
        ("Environment", 5, "E2", "Environment", "Waste"),
    ]
    assert [s.header_row for s in result.sheets] == [3, 3]


def test_fuzzy_dates_kept_as_written():
    result = read_workbook(workbooks.fuzzy_dates())
    assert result.problems == []
    assert [(row.ref, row.values["start"], row.values["due"]) for row in result.rows] == [
        (ref, start, due) for ref, _, _, start, due in workbooks.FUZZY_DATES
    ]


def test_large_generated_plan(tmp_path):
    target = tmp_path / "large.xlsx"
    months = workbooks.large_workbook(target, actions=300, months=24)
    result = read_workbook(target)
    assert result.problems == []
    assert len(result.rows) == 300
    assert result.months == months
    last = result.rows[-1]
    assert (last.ref, last.workstream, len(last.months)) == ("T0.299", "Workstream 5", 24)
    assert last.months[-1].narrative == "Update 299 for Dec-24"


# Headers.


def test_header_words_ignore_case_spacing_punctuation_and_brackets():
    data = workbooks.workbook_bytes(
        {
            "Plan": [
                ["REF.", " action ", "Lead\nCabinet  Member", "Update owner (if different)",
                 "Due Date [revised]", "Start-date"],
                ["A1", "Do it", "Cllr Lee", "Ann Other", "May-24", "Jan-24"],
            ]
        }
    )  # fmt: skip
    row = read_workbook(data).rows[0]
    assert row.values == {
        "ref": "A1",
        "title": "Do it",
        "member_lead": "Cllr Lee",
        "update_owner": "Ann Other",
        "due": "May-24",
        "start": "Jan-24",
    }


@pytest.mark.parametrize(
    ("status_header", "update_header"),
    [
        ("Status (Decembe r 2023)", "Update (Initial and Date)(December 2023)"),
        ("Dec-23 Status", "Dec-23 Commentary"),
        ("December 2023 status", "December 2023 update"),
        ("RAG Dec-23", "Comments Dec-23"),
        ("Progress Dec 2023", "Progress report Dec 2023"),
        ("Rating (Dec '23)", "Narrative (Dec '23)"),
    ],
)
def test_month_column_pairs_however_written(status_header, update_header):
    data = workbooks.workbook_bytes(
        {
            "Plan": [
                ["Ref", "Action", update_header, status_header],
                ["A1", "Do it", "Done", "Green"],
            ]
        }
    )
    result = read_workbook(data)
    assert result.rows[0].months == [read.MonthEntry(DEC_2023, "Green", "Done", "D", "C")]
    assert result.unknown_headers == []


def test_month_header_without_status_or_update_word_is_unknown():
    data = workbooks.workbook_bytes(
        {"Plan": [["Ref", "Action", "January 2024", "Owner sign-off"], ["A1", "Do it", "x", "y"]]}
    )
    result = read_workbook(data)
    assert result.unknown_headers == [
        ("Plan", "C", "January 2024"),
        ("Plan", "D", "Owner sign-off"),
    ]
    assert result.rows[0].months == []


def test_extra_synonyms_are_merged_with_the_defaults():
    sheets = {
        "Council": [["Milestone No", "Milestone", "BRAG Jan-24"], ["M1", "Mow", "Blue"]],
        "Other": [["Ref", "Action"], ["R1", "Read"]],
    }
    without = read_workbook(workbooks.workbook_bytes(sheets))
    assert [row.ref for row in without.rows] == ["R1"]
    result = read_workbook(
        workbooks.workbook_bytes(sheets), synonyms={"ref": ["Milestone no."], "status": ["brag"]}
    )
    assert [row.ref for row in result.rows] == ["M1", "R1"]
    assert result.rows[0].months[0].status == "Blue"


def test_unknown_synonym_field_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown field 'colour'"):
        read_workbook(workbooks.sample_like(), synonyms={"colour": ["RAG"]})


def test_sheet_without_ref_is_skipped_with_a_note():
    data = workbooks.workbook_bytes(
        {
            "Notes": [["Read me first"], ["Action", "Owner"]],
            "Plan": [["Ref", "Action"], ["A1", "x"]],
        }
    )
    result = read_workbook(data)
    assert [row.ref for row in result.rows] == ["A1"]
    assert result.sheets[0].kind == "skipped"
    assert "no column headed Ref" in result.sheets[0].note
    assert [(p.sheet, p.severity) for p in result.problems] == [("Notes", "warning")]


def test_no_sheet_with_a_ref_column_is_an_error():
    data = workbooks.workbook_bytes({"Plan": [["Action", "Owner"], ["Do it", "Me"]]})
    result = read_workbook(data)
    assert result.rows == []
    assert [p.severity for p in result.errors] == ["error"]
    assert result.errors[0].message.startswith(NO_REF)


def test_header_found_below_other_rows_but_not_after_row_20():
    rows = [["Notes"]] * 19 + [["Ref", "Action"], ["A1", "x"]]
    assert read_workbook(workbooks.workbook_bytes({"Plan": rows})).sheets[0].header_row == 20
    late = read_workbook(workbooks.workbook_bytes({"Plan": [["Notes"]] + rows}))
    assert late.rows == []
    assert late.errors[0].message.startswith(NO_REF)


def test_action_description_serves_as_title_when_there_is_no_action_column():
    data = workbooks.workbook_bytes({"Plan": [["Ref", "Action description"], ["A1", "Do it"]]})
    assert read_workbook(data).rows[0].values == {"ref": "A1", "title": "Do it"}


def test_ref_without_action_column_is_an_error():
    data = workbooks.workbook_bytes({"Plan": [["Ref", "Director"], ["A1", "Chief Executive"]]})
    result = read_workbook(data)
    assert [(p.sheet, p.row, p.severity) for p in result.errors] == [("Plan", 1, "error")]
    assert "no column for the action itself" in result.errors[0].message


def test_second_column_with_the_same_meaning_is_ignored_with_a_warning():
    data = workbooks.workbook_bytes(
        {"Plan": [["Ref", "Action", "Due date", "Deadline"], ["A1", "x", "Mar-24", "Apr-24"]]}
    )
    result = read_workbook(data)
    assert result.rows[0].values["due"] == "Mar-24"
    assert [(p.row, p.column, p.value) for p in result.problems] == [(1, "D", "Deadline")]
    assert "same as column C" in result.problems[0].message


# Rows.


def test_row_with_text_but_no_ref_is_skipped_with_a_warning():
    data = workbooks.workbook_bytes(
        {"Plan": [["Ref", "Action"], ["A1", "x"], [None, "Stray note"], ["A2", "y"]]}
    )
    result = read_workbook(data)
    assert [row.ref for row in result.rows] == ["A1", "A2"]
    assert [(p.sheet, p.row, p.column, p.value, p.message) for p in result.problems] == [
        ("Plan", 3, "A", "Stray note", "Row has text but no Ref; skipped.")
    ]


def test_heading_row_in_the_workstream_column_names_the_rows_below():
    data = workbooks.workbook_bytes(
        {
            "Plan": [
                ["Workstream", "Ref", "Action"],
                ["Housing supply", None, None],
                [None, "H1", "Build"],
                [None, "H2", "Buy"],
            ]
        }
    )
    result = read_workbook(data)
    assert result.problems == []
    assert [(row.ref, row.workstream) for row in result.rows] == [
        ("H1", "Housing supply"),
        ("H2", "Housing supply"),
    ]


def test_same_ref_twice_with_the_same_content_is_a_warning():
    rows = [["Ref", "Action"], ["A1", "x"], ["A1", "x"]]
    result = read_workbook(workbooks.workbook_bytes({"Plan": rows}))
    assert len(result.rows) == 1
    assert [(p.row, p.severity) for p in result.problems] == [(3, "warning")]
    assert "'Plan' row 2" in result.problems[0].message


def test_same_ref_with_different_content_is_an_error_naming_both_places():
    data = workbooks.workbook_bytes(
        {"One": [["Ref", "Action"], ["A1", "x"]], "Two": [["Ref", "Action"], [" a1", "y"]]}
    )
    result = read_workbook(data)
    assert [(p.sheet, p.row, p.severity) for p in result.problems] == [("Two", 2, "error")]
    assert "at 'One' row 2 and at 'Two' row 2" in result.problems[0].message


def test_formulas_are_read_as_text_never_calculated():
    data = workbooks.workbook_bytes(
        {
            "Plan": [
                ["Ref", "Action", "Status (Jan 2024)", "Update (Jan 2024)"],
                ["A1", "=SUM(B3:B4)", "Green", '=HYPERLINK("http://x.test","evidence")'],
            ]
        }
    )
    result = read_workbook(data)
    row = result.rows[0]
    assert row.values["title"] == "=SUM(B3:B4)"
    assert row.months[0].narrative == '=HYPERLINK("http://x.test","evidence")'
    assert [(p.sheet, p.row, p.column, p.severity) for p in result.problems] == [
        ("Plan", 2, "B", "warning"),
        ("Plan", 2, "D", "warning"),
    ]
    assert "formula" in result.problems[0].message


def test_long_cells_are_truncated_with_a_warning():
    text = "word " * 20  # 99 characters once stripped
    data = workbooks.workbook_bytes({"Plan": [["Ref", "Action"], ["A1", text]]})
    result = read_workbook(data, max_cell_chars=50)
    assert result.rows[0].values["title"] == text.strip()[:50]
    problem = result.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Plan", 2, "B")
    assert "99 characters" in problem.message and "truncated" in problem.message


def test_cell_text_is_what_a_person_sees():
    assert read.cell_text(3.0) == "3"
    assert read.cell_text(2.5) == "2.5"
    assert read.cell_text(0.1 + 0.2) == "0.3"
    assert read.cell_text(True) == "TRUE"
    assert read.cell_text("  two\r\nlines  ") == "two\nlines"
    assert read.cell_text(datetime.datetime(2022, 12, 1)) == "Dec-22"
    assert read.cell_text(datetime.datetime(2024, 1, 11)) == "11/01/2024"
    assert read.cell_text(None) == ""


def test_reading_stops_after_50_blank_rows():
    rows = [["Ref", "Action"], ["A1", "x"]] + [[None]] * 10 + [["A2", "y"]]
    rows += [[None]] * 50 + [["A3", "lost in the formatting"]]
    result = read_workbook(workbooks.workbook_bytes({"Plan": rows}))
    assert [row.ref for row in result.rows] == ["A1", "A2"]


def test_too_many_rows_is_refused():
    rows = [["Ref", "Action"]] + [[f"A{n}", "x"] for n in range(11)]
    with pytest.raises(ImportFileError, match="more than 10 rows"):
        read_workbook(workbooks.workbook_bytes({"Plan": rows}), max_rows=10)


def test_hidden_sheets_are_skipped():
    data = workbooks.workbook_bytes(
        {"Plan": [["Ref", "Action"], ["A1", "x"]], "Old": [["Ref", "Action"], ["A1", "y"]]},
        hidden={"Old"},
    )
    result = read_workbook(data)
    assert [row.ref for row in result.rows] == ["A1"]
    assert result.sheets[1] == read.SheetSummary("Old", None, "skipped", "hidden sheet")


def test_chart_sheets_are_skipped():
    workbook = openpyxl.load_workbook(workbooks.theme_column_layout())
    chart = BarChart()
    chart.add_data(Reference(workbook["Action plan"], min_col=1, min_row=3, max_row=6))
    workbook.create_chartsheet("Chart").add_chart(chart)
    result = read_workbook(workbooks.to_bytes(workbook))
    assert len(result.rows) == 4
    assert result.sheets[1] == read.SheetSummary("Chart", None, "skipped", "chart sheet")


# Files that cannot be read at all.


def rezip(data, replace):
    """`data` (an .xlsx) with the zip members in `replace` ({name: bytes}) swapped in or added."""
    source = zipfile.ZipFile(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, replace.get(name, source.read(name)))
        for name in replace.keys() - set(source.namelist()):
            target.writestr(name, replace[name])
    out.seek(0)
    return out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Ref,Action\nA1,Do it\n", "This is not an Excel .xlsx workbook"),
        (b"%PDF-1.7\n", "This is not an Excel .xlsx workbook"),
        (b"", "The file is empty"),
        (read.OLE_SIGNATURE + bytes(504), "password-protected or an old .xls file: save it as"),
    ],
)
def test_files_that_are_not_xlsx(content, message):
    with pytest.raises(ImportFileError, match=message):
        read_workbook(io.BytesIO(content))


def test_renamed_text_file_on_disk(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("Ref\tAction\nA1\tDo it\n")
    with pytest.raises(ImportFileError, match="not an Excel .xlsx workbook"):
        read_workbook(path)


def test_truncated_zip_is_damaged():
    data = workbooks.sample_like().getvalue()
    with pytest.raises(ImportFileError, match="damaged"):
        read_workbook(io.BytesIO(data[: len(data) // 2]))


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(ImportFileError, match="zip file, not an Excel"):
        read_workbook(buffer)


def test_package_without_a_workbook_part():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(ImportFileError, match="could not be read as an Excel .xlsx workbook"):
        read_workbook(buffer)


@pytest.mark.parametrize(
    ("keep", "message"),
    [(0.005, "could not be read as an Excel"), (0.6, "The workbook is damaged")],
    ids=["broken at the top, found on opening", "broken part-way, found while reading"],
)
def test_damaged_sheet_xml(keep, message):
    data = workbooks.sample_like()
    sheet = zipfile.ZipFile(data).read("xl/worksheets/sheet2.xml")
    cut = int(len(sheet) * keep)
    with pytest.raises(ImportFileError, match=message):
        read_workbook(rezip(data, {"xl/worksheets/sheet2.xml": sheet[:cut]}))


def test_file_over_the_size_limit():
    data = workbooks.sample_like()
    size = len(data.getvalue())
    with pytest.raises(ImportFileError, match=r"The file is \d+ KB; the largest .* is 1 KB"):
        read_workbook(data, max_bytes=1024)
    assert read_workbook(data, max_bytes=size).rows  # exactly at the limit is fine


def test_workbook_that_unpacks_to_far_more_than_its_size():
    filler = b"<!--" + b" " * 2_000_000 + b"-->"
    data = rezip(workbooks.sample_like(), {"docProps/custom.xml": filler})
    size = len(data.getvalue())
    with pytest.raises(ImportFileError, match="unpacks to"):
        read_workbook(data, max_bytes=size)
