"""Dashboard charts as SVG, drawn by pygal on the server so that pages and PDFs show the same
picture. Every chart repeats figures a data table beside it also gives: the chart is a summary,
never the only place a number appears.

The SVG carries its own <style> (pygal's) and no script: js=[] drops pygal's interactive
script files, and _render removes the config script pygal writes anyway. It is served from its
own URL as an image, so the page's Content-Security-Policy stays strict.
"""

import hashlib
import math
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

# A report prints a chart across the page, at most this wide (static/reports/print.css), so a
# chart drawn wider prints smaller: its text is sized to print at least LABEL_PT and TITLE_PT.
PRINTED_WIDTH_PT = 165 / 25.4 * 72  # 165 mm
LABEL_PT, TITLE_PT = 10, 12
# Roughly how wide a character of the chart's sans-serif font is, for the axis's spacing.
CHARACTER_WIDTH = 0.6  # of the font size


def font_size(width, points):
    """Pixels for text that prints at least `points` in a chart `width` pixels wide; never
    less than it shows on screen today."""
    return max(14 if points == LABEL_PT else 18, math.ceil(points * width / PRINTED_WIDTH_PT))


def _style(colours=(), width=800):
    label, title = font_size(width, LABEL_PT), font_size(width, TITLE_PT)
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
        label_font_size=label,
        major_label_font_size=label,
        legend_font_size=label,
        value_font_size=label,
        title_font_size=title,
    )


def text_width(text, size):
    return len(text) * size * CHARACTER_WIDTH


def count_ticks(top, room, size, *, upright=False):
    """The ticks of an axis up to `top` (a count or a percentage) drawn `room` pixels long
    with labels `size` pixels high: whole numbers from 0 in steps of 1, 2 or 5 times a power
    of ten, the smallest step that leaves at least half a label's height between
    neighbouring labels, so that they never run together. An `upright` axis stacks its
    labels, which then need only their height each."""
    top = max(math.ceil(top), 1)
    for power in range(12):
        for factor in (1, 2, 5):
            step = factor * 10**power
            end = math.ceil(top / step) * step
            needs = size if upright else text_width(f"{end}%", size)
            if room / (end // step) >= needs + size / 2:
                return list(range(0, end + 1, step))
    return [0, top]


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


def _rotation(labels, room, size):
    """Degrees to turn the labels of bars side by side across `room` pixels so that they
    never overlap: none when each fits its bar's width, else 45, where neighbours stand a
    line's height apart."""
    spacing = room / max(len(labels), 1)
    widest = max((text_width(label, size) for label in labels), default=0)
    return 0 if widest + size <= spacing else 45


def _count_bars(rows, title, series):
    """Horizontal bars of counts: `rows` are (label, count, colour), drawn top to bottom, on
    an axis of whole numbers (count_ticks) whose labels never run together."""
    width = 600
    size = font_size(width, LABEL_PT)
    labels = [label for label, _, _ in rows]
    # The counts' axis has what the bars' labels leave of the width.
    room = width - max((text_width(label, size) for label in labels), default=0) - 60
    ticks = count_ticks(max((count for _, count, _ in rows), default=0), room, size)
    chart = pygal.HorizontalBar(
        **_config(width=width, height=90 + 40 * len(rows), show_legend=False),
        print_values_position="top",
        style=_style(width=width),
        title=title,
        range=(0, ticks[-1]),
        y_labels=ticks,  # in a horizontal chart, the axis of counts
    )
    chart.x_labels = labels[::-1]  # pygal draws the first bar at the bottom
    chart.add(series, [{"value": count, "color": colour} for _, count, colour in rows[::-1]])
    return _render(chart)


def status_chart(breakdown, title):
    """Horizontal bars: how many actions have each status, coloured by RAG colour."""
    rows = [(status.label, count, FILLS.get(status.rag)) for status, count, _ in breakdown.rows()]
    return _count_bars(rows, title, "Actions")


def trend_chart(trend, title):
    """Stacked bars, one per month: the percentage of counted actions in each RAG colour."""
    rags = [rag for rag in Rag if any(row[0] == rag for _, b in trend for row in b.rag_rows())]
    labels = [f"{month:%b %Y}" for month, _ in trend]
    chart = pygal.StackedBar(
        **_config(
            height=420,
            range=(0, 100),
            # The plot is what the title, legend and month labels leave of the height.
            y_labels=count_ticks(100, 230, font_size(800, LABEL_PT), upright=True),
            print_values=False,
            x_label_rotation=_rotation(labels, 800 - 90, font_size(800, LABEL_PT)),
        ),
        style=_style([FILLS[rag] for rag in rags]),
        title=title,
        value_formatter=lambda value: f"{value:.0f}%",
    )
    chart.x_labels = labels
    for rag in rags:
        chart.add(
            Rag(rag).label,
            [next((pct for r, _, _, pct in b.rag_rows() if r == rag), 0) for _, b in trend],
        )
    return _render(chart)


def measures_chart(rows, title):
    """Horizontal bars: how many measures meet their target, are amber, red, or not rated.
    `rows` are (rag or None, label, count), as Scorecard.rows() gives them."""
    bars = [(label, count, FILLS.get(rag, FILLS[Rag.GREY])) for rag, label, count in rows]
    return _count_bars(bars, title, "Measures")


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
