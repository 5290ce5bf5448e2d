"""The plan dashboard: percentages that follow the plan's counting rules, movement since the
month before, a trend, and the red and amber actions, with every chart's figures in a table."""

import datetime
import re

import pytest
from django.urls import reverse

from plans.models import Priority
from plans.summary import dashboard, movement
from tests import factories

JAN = datetime.date(2024, 1, 1)


@pytest.fixture
def council(plan):
    """Four counted sub-actions under one focus action, and one N/A; the statuses of
    December and January are set so each kind of movement happens once."""
    theme = factories.theme(plan, "Community")
    theme.priority = Priority.objects.create(plan=plan, name="People")
    theme.save()
    parent = factories.action(plan, "CM.A1.0", title="Listen to residents")
    months = {
        "CM.A1.1": ("On track", "On track"),  # unchanged
        "CM.A1.2": ("Medium progress", "On track"),  # improved
        "CM.A1.3": ("On track", "Significant issues / slippage"),  # slipped
        "CM.A1.4": ("On track", "Complete"),  # newly complete
        "CM.A1.5": ("N/A", "N/A"),  # left out of the percentages
    }
    for ref, (december, january) in months.items():
        action = factories.action(plan, ref, parent=parent, title=f"Survey part {ref[-1]}")
        factories.update(action, "2023-12", december, f"{ref} in December.")
        factories.update(action, "2024-01", january, f"{ref} in January.")
    return plan


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_percentages_leave_out_what_the_plan_says_and_the_page_says_so(council, client_for):
    response = client_for("councillor").get(reverse("plans:dashboard", args=["corporate-plan"]))
    words = text(response.content.decode())
    assert "Dashboard: January 2024" in words
    assert "Of 4 actions counted in January 2024, 50% green, 25% red and 25% done." in words
    assert "The percentages leave out 1 parent (focus) action, 1 N/A." in words
    # The status chart's figures, in its table.
    assert "On track 2 50%" in words
    assert "N/A 1 Not counted" in words


def test_movement_since_the_month_before(council, client_for):
    html = client_for("councillor").get(
        reverse("plans:dashboard", args=["corporate-plan"]) + "?month=2024-01-01"
    )
    words = text(html.content.decode())
    assert "Movement since December 2023" in words
    assert "Newly complete 1 Improved 1 Slipped 1 Unchanged 2 Changed otherwise 0" in words
    assert "CM.A1.3 Survey part 3 : On track → to Significant issues / slippage" in words


def test_the_trend_table_gives_each_months_colours(council, client_for):
    words = text(
        client_for("councillor")
        .get(reverse("plans:dashboard", args=["corporate-plan"]))
        .content.decode()
    )
    assert "December 2023 4 3 (75%) 1 (25%) 0 (0%) 0 (0%) 0 (0%)" in words
    assert "January 2024 4 2 (50%) 0 (0%) 1 (25%) 0 (0%) 1 (25%)" in words


def test_each_priority_and_theme_has_its_own_breakdown(council):
    data = dashboard(council, JAN)
    assert [(name, b.counted) for name, b in data.priorities] == [("People", 4)]
    assert [(name, b.counted) for name, b in data.themes] == [("Community", 4)]


def test_an_earlier_month_shows_the_statuses_of_that_month(council, client_for):
    words = text(
        client_for("councillor")
        .get(reverse("plans:dashboard", args=["corporate-plan"]) + "?month=2023-12-01")
        .content.decode()
    )
    assert "Of 4 actions counted in December 2023, 75% green and 25% amber." in words


def test_red_and_amber_actions_are_listed_red_first(council, client_for):
    factories.update(council.actions.get(ref="CM.A1.1"), "2024-01", "Medium progress", "Slower.")
    html = (
        client_for("councillor")
        .get(reverse("plans:dashboard", args=["corporate-plan"]))
        .content.decode()
    )
    section = text(html.split("Red and amber actions</h2>")[1])
    assert section.index("CM.A1.3") < section.index("CM.A1.1")
    assert "Slower." in section


def test_a_long_list_shows_its_first_actions_and_says_how_many_more(
    council, client_for, monkeypatch
):
    """On a county's plan the red and amber actions and each kind of movement can run to a
    thousand: the page lists the first LIST_LIMIT and says how many there are in all."""
    monkeypatch.setattr("plans.summary.LIST_LIMIT", 1)
    factories.update(council.actions.get(ref="CM.A1.1"), "2024-01", "Medium progress", "Slower.")
    factories.update(council.actions.get(ref="CM.A1.4"), "2024-01", "Medium progress", "Later.")
    words = text(
        client_for("councillor")
        .get(reverse("plans:dashboard", args=["corporate-plan"]))
        .content.decode()
    )
    attention = words.split("Red and amber actions")[1]
    assert "3 actions red or amber in January 2024, red first: the first 1 listed" in attention
    assert "CM.A1.3" in attention and "CM.A1.1" not in attention and "CM.A1.4" not in attention
    assert "Open all 3 in the tracker" in attention
    slipped = words.split("Slipped: 3 actions")[1].split("Trend")[0]
    assert "The first 1 of 3 are listed, in plan order." in slipped
    assert slipped.count("→") == 1


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("On track", "On track", "unchanged"),
        ("Significant issues / slippage", "Medium progress", "improved"),
        ("On track", "Medium progress", "slipped"),
        ("Medium progress", "Closed", "complete"),
        (None, "Complete", "complete"),
        ("Complete", "On track", "slipped"),
        ("Complete", "Closed", "other"),
        ("Not due to start", "On track", "other"),
        (None, "On track", "other"),
        ("On track", None, None),
    ],
)
def test_movement_compares_rag_colours(plan, before, after, expected):
    statuses = {s.label: s for s in plan.statuses.all()}
    assert movement(statuses.get(before), statuses.get(after)) == expected


def test_charts_are_svg_images_without_scripts(council, client_for):
    client = client_for("councillor")
    for chart in ("status", "trend"):
        response = client.get(
            reverse("plans:dashboard_chart", args=["corporate-plan", chart]) + "?month=2024-01-01"
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert "script-src" not in response["Content-Security-Policy"]
        svg = response.content.decode()
        assert "<script" not in svg
        assert ("Significant issues / slippage" if chart == "status" else "Amber") in svg


def test_a_chart_on_the_page_is_an_image_with_words(council, client_for):
    html = (
        client_for("councillor")
        .get(reverse("plans:dashboard", args=["corporate-plan"]))
        .content.decode()
    )
    images = re.findall(r'<img class="app-chart[^"]*" src="([^"]+)" alt="([^"]+)"', html)
    assert [alt.split(".")[0] for _, alt in images] == [
        "Bar chart of the number of actions with each status in January 2024",
        "Stacked bar chart of the percentage of counted actions in each RAG colour, month by "
        "month to January 2024",
    ]


def test_a_plan_with_no_updates_says_there_is_nothing_yet(plan, client_for):
    response = client_for("councillor").get(reverse("plans:dashboard", args=["corporate-plan"]))
    assert "There is nothing to show yet" in response.content.decode()


def test_a_status_set_before_the_twelve_months_still_stands(plan):
    action = factories.action(plan, "CM.A1.1", title="Long-running review")
    factories.update(action, "2022-10", "Significant issues / slippage", "Stalled.")
    data = dashboard(plan, JAN)
    assert [(m.isoformat(), b.counted) for m, b in data.trend][:1] == [("2023-02-01", 1)]
    assert len(data.trend) == 12
    assert [(w.ref, w.month.isoformat(), w.narrative) for w in data.attention] == [
        ("CM.A1.1", "2022-10-01", "Stalled.")
    ]
    assert [m.ref for m in data.moves["unchanged"]] == ["CM.A1.1"]


def test_the_same_chart_renders_the_same_bytes(council):
    # pygal stamps a random id and the date on each render; a rebuilt report must not differ.
    from plans import charts

    data = dashboard(council, JAN)
    assert charts.trend_chart(data.trend, "Trend") == charts.trend_chart(data.trend, "Trend")
    assert charts.status_chart(data.overall, "Now") == charts.status_chart(data.overall, "Now")
