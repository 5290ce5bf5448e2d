"""The charts the dashboard and committee reports share, read back from their SVG: axes of
counts have whole-number ticks whose labels never run together, and every label prints at
10pt or more at the width a report prints a chart."""

import datetime
import re
from collections import Counter

import pytest
from defusedxml import ElementTree

from plans import charts, summary
from plans.measures import scorecard
from plans.models import Status

SVG = "{http://www.w3.org/2000/svg}"
STATUSES = ["On track", "Medium progress", "Significant issues / slippage", "Complete"]


def read(svg):
    """({axis: [(label, x, y, rotated)]}, label font size in px, viewBox width)."""
    root = ElementTree.fromstring(svg)
    axes = {}
    for group in root.iter(SVG + "g"):
        classes = (group.get("class") or "").split()
        if classes[:1] == ["axis"] and len(classes) > 1:
            axes[classes[1]] = [
                (
                    t.text,
                    float(t.get("x")),
                    float(t.get("y")),
                    "rotate" in (t.get("transform") or ""),
                )
                for t in group.iter(SVG + "text")
            ]
    size = int(re.search(rb"\.axis text\{[^}]*font-size:(\d+)px", svg).group(1))
    width = float(root.get("viewBox").split()[2])
    return axes, size, width


def text_width(label, size):
    """A generous estimate for a sans-serif label: 0.6 of the font size a character."""
    return len(label) * size * 0.6


def assert_apart(labels, size, *, along):
    """Neighbouring labels on an axis drawn along x or y leave a gap between them."""
    for (a, ax, ay, rotated), (b, bx, by, _) in zip(labels, labels[1:], strict=False):
        if along == "y":
            assert abs(ay - by) >= size * 1.2, (a, b)
        elif rotated:  # turned 45 degrees: neighbours need a line's height across
            assert abs(ax - bx) >= size * 1.2, (a, b)
        else:
            assert abs(ax - bx) >= (text_width(a, size) + text_width(b, size)) / 2 + size / 2, (
                a,
                b,
            )


def assert_whole_counts(labels, top):
    numbers = [label for label, *_ in labels]
    assert all(re.fullmatch(r"\d+", n) for n in numbers), numbers
    values = [int(n) for n in numbers]
    steps = {b - a for a, b in zip(values, values[1:], strict=False)}
    assert values[0] == 0 and values[-1] >= top and len(steps) == 1, values
    # Few enough to read, and no more than the counts need.
    assert values[-2] < top or top == 0


def prints_at(size, width):
    """Points a label of `size` px prints at when the chart is printed 165 mm wide."""
    return size * (165 / 25.4 * 72) / width


def test_the_printed_width_is_the_print_stylesheets():
    css = charts.__file__.rsplit("/plans/", 1)[0] + "/static/reports/print.css"
    with open(css) as stylesheet:
        rule = re.search(r"\.app-report__chart \{[^}]*max-width: (\d+)mm", stylesheet.read())
    assert round(charts.PRINTED_WIDTH_PT / 72 * 25.4) == int(rule.group(1))


@pytest.mark.parametrize(
    "counts",
    [[1, 1, 0, 0], [2, 0, 1, 0], [0, 0, 0, 0], [3, 7, 1, 2], [31, 12, 9, 4], [480, 12, 3, 5]],
)
def test_the_status_chart_counts_in_whole_numbers_that_never_collide(plan, counts):
    statuses = {s.label: s for s in Status.objects.filter(plan=plan)}
    breakdown = summary.Breakdown(
        list(statuses.values()),
        Counter({statuses[label].pk: n for label, n in zip(STATUSES, counts, strict=True)}),
    )
    axes, size, width = read(charts.status_chart(breakdown, "Actions by status"))
    assert_whole_counts(axes["x"], max(counts))
    assert_apart(axes["x"], size, along="x")
    assert_apart(axes["y"], size, along="y")
    assert prints_at(size, width) >= 10


@pytest.mark.parametrize("counts", [(1, 0, 0, 0), (4, 2, 1, 0), (40, 25, 12, 90)])
def test_the_measures_chart_counts_in_whole_numbers(counts):
    rows = [
        (rag, label, n)
        for (rag, label), n in zip(
            [("green", "On target"), ("amber", "Near target (amber)"), ("red", "Off target (red)"),
             (None, "No figure or no target")],
            counts,
            strict=True,
        )
    ]  # fmt: skip
    axes, size, width = read(charts.measures_chart(rows, "Measures against target"))
    assert_whole_counts(axes["x"], max(counts))
    assert_apart(axes["x"], size, along="x")
    assert prints_at(size, width) >= 10


@pytest.mark.parametrize("months", [1, 5, 12])
def test_the_trend_charts_months_and_percentages_never_collide(plan, months):
    statuses = list(Status.objects.filter(plan=plan))
    breakdown = summary.Breakdown(statuses, Counter({statuses[0].pk: 3, statuses[1].pk: 1}))
    trend = [(datetime.date(2023, 4 + n, 1) if n < 9 else datetime.date(2024, n - 8, 1),
              breakdown) for n in range(months)]  # fmt: skip
    axes, size, width = read(charts.trend_chart(trend, "Actions by RAG colour"))
    assert [label for label, *_ in axes["y"]] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert_apart(axes["y"], size, along="y")
    assert len(axes["x"]) == months
    assert_apart(axes["x"], size, along="x")
    assert prints_at(size, width) >= 10


def test_a_measures_chart_prints_its_labels_readably():
    point = scorecard.Point
    points = [point(datetime.date(2023, m, 1), 85, 70 + m, rag="red") for m in range(1, 13)]
    axes, size, width = read(
        charts.measure_chart(points, unit="percentage", frequency="monthly", title="Enquiries")
    )
    assert_apart(axes["y"], size, along="y")
    assert_apart(axes["x"], size, along="x")
    assert prints_at(size, width) >= 10
