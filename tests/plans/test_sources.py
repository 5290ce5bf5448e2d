"""Sources: each recommendation with the actions that answer it and how they are going, in
the source's order, exported as the page shows it, in a fixed number of queries."""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from plans.models import Recommendation, Source, Update
from tests import factories


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def peer_challenge(plan):
    """Four of the LGA peer challenge's recommendations in the source's order, answered by
    four actions, one of them a focus action (OC.D5.0) answering through its sub-actions."""
    source = Source.objects.create(plan=plan, name="LGA corporate peer challenge 2023")
    parent = factories.action(plan, "OC.D5.0", title="Member development programme")
    review = factories.action(plan, "OC.D5.3", title="Review of MDP", parent=parent, lead="Head")
    agree = factories.action(plan, "OC.D5.4", title="Agreement of revised MDP", parent=parent)
    training = factories.action(plan, "OC.G1.3", title="Governance training")
    factories.update(review, "2024-01", "Complete")
    factories.update(agree, "2024-01", "On track")
    factories.update(
        training, "2024-01", "Significant issues / slippage", approval=Update.Approval.SUBMITTED
    )
    rows = [
        (1, "Vision and Priorities", "All Members need to identify shared priorities.", [review]),
        (5, "Time to plan", "Take the time today to plan for tomorrow.", []),
        (7, "Behaviour", "Recognise the risk of continued poor behaviour.", [parent, review]),
        (8, "Financial", "Continue efforts on outstanding audits.", [agree, training]),
    ]
    for position, (number, area, words, actions) in enumerate(rows):
        made = Recommendation.objects.create(
            source=source, number=number, area=area, text=words, sort_order=position
        )
        made.actions.set(actions)
    return source


def url(name, source):
    return reverse(f"plans:{name}", args=[source.plan.slug, source.pk])


def test_each_recommendation_with_its_actions_and_their_roll_up(peer_challenge, client_for):
    page = text(client_for("councillor").get(url("source", peer_challenge)))
    assert page.index("Recommendation 1") < page.index("Recommendation 5")
    assert "Recommendation 5 Take the time today to plan for tomorrow. No actions answer it" in (
        page
    )
    # A focus action answers through its sub-actions, listed under it and counted instead.
    assert (
        "Recommendation 7 Recognise the risk of continued poor behaviour. "
        "2 actions: 1 On track, 1 Complete." in page
    )
    assert (
        "OC.D5.0 Member development programme Not set See sub-actions "
        "OC.D5.3 , part of OC.D5.0 Review of MDP Head Complete Jan 2024 Progress as planned. "
        "OC.D5.4 , part of OC.D5.0 Agreement of revised MDP" in page
    )
    # Councillors see only signed-off updates: the training update awaits sign-off.
    assert "2 actions: 1 On track, 1 with no update yet." in page
    assert "1 Vision and Priorities All done 1 action: 1 Complete." in page


def test_the_source_list_counts_recommendations_and_actions(peer_challenge, client_for):
    page = text(client_for("councillor").get(reverse("plans:sources", args=["corporate-plan"])))
    assert "LGA corporate peer challenge 2023 4 4" in page


def test_the_export_has_a_row_per_recommendation_and_action(peer_challenge, client_for):
    client = client_for("councillor")
    response = client.get(url("source_csv", peer_challenge))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="lga-corporate-peer-challenge-2023-'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Source", "Area", "Recommendation", "Recommendation text", "Ref"]
    assert [(row[2], row[4], row[5], row[8]) for row in rows[1:]] == [
        ("1", "OC.D5.3", "", "Complete"),
        ("5", "", "", ""),
        ("7", "OC.D5.0", "", "No update"),
        ("7", "OC.D5.3", "OC.D5.0", "Complete"),
        ("7", "OC.D5.4", "OC.D5.0", "On track"),
        ("8", "OC.D5.4", "", "On track"),
        ("8", "OC.G1.3", "", "No update"),
    ]
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(url("source_xlsx", peer_challenge)).content)
    )
    sheet = book["Recommendations"]
    assert [cell.value for cell in sheet[5]][2:9] == [
        7,
        "Recognise the risk of continued poor behaviour.",
        "OC.D5.3",
        "OC.D5.0",
        "Review of MDP",
        "Head",
        "Complete",
    ]


def grow(source, count):
    """`count` more recommendations, each answered by two new actions with an update."""
    for number in range(100, 100 + count):
        made = Recommendation.objects.create(
            source=source, number=number, area=f"Area {number % 3}", text=f"Do {number}."
        )
        for part in (1, 2):
            action = factories.action(source.plan, f"X.{number}.{part}")
            factories.update(action, "2024-01", "On track")
            made.actions.add(action)


# Each count includes the three queries every signed-in page makes (session, user, roles).
@pytest.mark.parametrize("more", [0, 15])
@pytest.mark.parametrize(("name", "queries"), [("source", 8), ("source_csv", 8), ("sources", 5)])
def test_source_pages_run_a_fixed_number_of_queries(
    peer_challenge, client_for, django_assert_num_queries, more, name, queries
):
    grow(peer_challenge, more)
    address = (
        reverse("plans:sources", args=["corporate-plan"])
        if name == "sources"
        else url(name, peer_challenge)
    )
    client = client_for("councillor")
    with django_assert_num_queries(queries):
        response = client.get(address)
    assert response.status_code == 200
