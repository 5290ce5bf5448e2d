"""No exported cell is ever read as a formula, whichever separator a spreadsheet splits on."""

import csv
import io

import pytest
from django.urls import reverse

from plans import export
from tests import factories

FORMULA = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    "text",
    [
        "=1+2",
        "+44 1234",
        "-2 weeks",
        "@clerk",
        "\tindented",
        "\rreturn",
        "Progress made;=10+20",
        "Progress made,=10+20",
        "Two parts\t=1+2",
        "First line\n=1+2",
    ],
)
def test_text_a_spreadsheet_could_run_is_made_inert(text):
    assert export.safe(text) == "'" + text


@pytest.mark.parametrize("text", ["Progress made", "On track; 10 of 20 done", "a - b", 12, None])
def test_other_values_are_left_alone(text):
    assert export.safe(text) == text


def _split_like_a_spreadsheet(line, separator):
    """Cells as a spreadsheet set to `separator` reads them: separators inside double quotes
    are part of the text."""
    cells, cell, quoted = [], "", False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            cells.append(cell)
            cell = ""
            continue
        cell += char
    return [*cells, cell]


def test_a_csv_cell_hiding_a_formula_behind_a_semicolon_stays_one_cell(plan, people, client_for):
    action = factories.action(plan, "CM.A1.1", title="Survey residents")
    factories.update(action, "2024-01", "On track", "Progress made;=10+20")
    response = client_for("councillor").get(reverse("plans:export_csv", args=[plan.slug]))
    body = response.content.decode("utf-8").lstrip("\ufeff")
    header, row = list(csv.reader(io.StringIO(body)))
    assert dict(zip(header, row, strict=True))["Latest update"] == "'Progress made;=10+20"
    for line in body.splitlines():
        for separator in (",", ";", "\t"):
            for cell in _split_like_a_spreadsheet(line, separator):
                assert not cell.strip('"').startswith(FORMULA), (separator, cell)
