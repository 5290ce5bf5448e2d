"""Dashboard charts as SVG, drawn by pygal on the server so that pages and PDFs show the same
picture. Every chart repeats figures a data table beside it also gives: the chart is a summary,
never the only place a number appears.

The SVG carries its own <style> (pygal's) and no script: js=[] drops pygal's interactive
script files, and _render removes the config script pygal writes anyway. It is served from its
own URL as an image, so the page's Content-Security-Policy stays strict.
"""

import hashlib
import re
from decimal import Decimal

import pygal
from pygal.style import Style

from plans.measures import rating
from plans.models import Rag

# RAG colour -> fill. Each has at least 3:1 contrast against the white background (amber is
# darkened from GOV.UK orange for that reason); the words in labels and legends carry the
# meaning for anyone who cannot tell the colours apart.
FILLS = {
    Rag.GREEN: "#00703c",
    Rag.AMBER: "#e07800",
    Rag.RED: "#d4351c",
    Rag.GREY: "#6f777b",
    Rag.BLUE: "#1d70b8",
}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def _style(colours=()):
    return Style(
        font_family=FONT,
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#0b0c0c",
        foreground_strong="#0b0c0c",
        foreground_subtle="#b1b4b6",
        colors=tuple(colours) or ("#1d70b8",),
        opacity="1",
        opacity_hover="1",
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=14,
        value_font_size=14,
        title_font_size=18,
    )


def _config(**options):
    return {
        "js": [],
        "width": 800,
        "show_y_guides": True,
        "print_values": True,
        "legend_at_bottom": True,
        "truncate_label": -1,
        "truncate_legend": -1,
        **options,
    }


def status_chart(breakdown, title):
    """Horizontal bars: how many actions have each status, coloured by RAG colour."""
    rows = breakdown.rows()[::-1]  # pygal draws the first bar at the bottom
    chart = pygal.HorizontalBar(
        **_config(width=600, height=90 + 40 * len(rows), show_legend=False),
        print_values_position="top",
        style=_style(),
        title=title,
    )
    chart.x_labels = [status.label for status, _, _ in rows]
    chart.add(
        "Actions",
        [{"value": count, "color": FILLS.get(status.rag)} for status, count, _ in rows],
    )
    return _render(chart)


def trend_chart(trend, title):
    """Stacked bars, one per month: the percentage of counted actions in each RAG colour."""
    rags = [rag for rag in Rag if any(row[0] == rag for _, b in trend for row in b.rag_rows())]
    chart = pygal.StackedBar(
        **_config(height=420, range=(0, 100), print_values=False),
        style=_style(FILLS[rag] for rag in rags),
        title=title,
        value_formatter=lambda value: f"{value:.0f}%",
    )
    chart.x_labels = [f"{month:%b %Y}" for month, _ in trend]
    for rag in rags:
        chart.add(
            Rag(rag).label,
            [next((pct for r, _, _, pct in b.rag_rows() if r == rag), 0) for _, b in trend],
        )
    return _render(chart)


def measures_chart(rows, title):
    """Horizontal bars: how many measures meet their target, are amber, red, or not rated.
    `rows` are (rag or None, label, count), as Scorecard.rows() gives them."""
    rows = rows[::-1]  # pygal draws the first bar at the bottom
    chart = pygal.HorizontalBar(
        # Each bar has its count printed at its end; an axis of counts would show fractions.
        **_config(
            width=600,
            height=90 + 40 * len(rows),
            show_legend=False,
            show_x_labels=False,  # in a horizontal chart, the axis of counts
            show_y_guides=False,
        ),
        print_values_position="top",
        style=_style(),
        title=title,
    )
    chart.x_labels = [label for _, label, _ in rows]
    chart.add(
        "Measures",
        [{"value": count, "color": FILLS.get(rag, FILLS[Rag.GREY])} for rag, _, count in rows],
    )
    return _render(chart)


TARGET_COLOUR = "#0b0c0c"
FIGURE_COLOUR = "#1d70b8"


def measure_chart(points, *, unit, frequency, title="", small=False):
    """A measure's figures as a line, each dot coloured by its rating, with its targets as a
    dashed line. `points` are scorecard.Point, oldest first. `small` draws a trend for a
    list: no title, labels or legend."""

    def show(value):
        return rating.format_value(Decimal(str(round(value, 4))), unit)

    def number(value):
        return None if value is None else float(value)

    if small:
        options = {
            "width": 240,
            "height": 70,
            "show_legend": False,
            "show_x_labels": False,
            "show_y_labels": False,
            "show_y_guides": False,
            "print_values": False,
            "margin": 6,
        }
    else:
        options = {
            "height": 420,
            "print_values": False,
            "max_scale": 6,  # a few round figures on the axis, not one every 0.02
            "x_label_rotation": 30 if len(points) > 8 else 0,
        }
    style = _style([TARGET_COLOUR, FIGURE_COLOUR])
    # Solid pale guides, so the dashed line is only ever the target.
    style.guide_stroke_dasharray = style.major_guide_stroke_dasharray = "1,0"
    style.guide_stroke_color = style.major_guide_stroke_color = "#b1b4b6"
    style.stroke_width = style.stroke_width_hover = 2 if small else 3
    chart = pygal.Line(
        **_config(**options),
        style=style,
        title=title or None,
        value_formatter=show,
        allow_interruptions=True,
        dots_size=5 if small else 6,
    )
    chart.x_labels = [rating.period_short(point.period, frequency) for point in points]
    chart.add(
        "Target",
        [number(point.target) for point in points],
        stroke_style={"dasharray": "12, 8"},
        show_dots=False,
    )
    chart.add(
        "Figure",
        [
            None
            if point.value is None
            else {"value": number(point.value), "color": FILLS.get(point.rag, FIGURE_COLOUR)}
            for point in points
        ],
    )
    return _render(chart)


def _render(chart):
    """The chart's SVG without pygal's script, and the same bytes for the same chart: pygal
    stamps each render with a random id and today's date, which would make a published
    report's PDF differ from a rebuild of the same snapshot."""
    svg = re.sub(rb"<script.*?</script>", b"", chart.render(), flags=re.DOTALL)
    svg = re.sub(rb"<!--Generated with pygal.*?-->", b"", svg, flags=re.DOTALL)
    random_id = chart.uuid.encode()
    stable_id = hashlib.sha256(svg.replace(random_id, b"")).hexdigest()[:16].encode()
    return svg.replace(random_id, stable_id)
