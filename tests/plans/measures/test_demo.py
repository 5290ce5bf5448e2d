"""The demo's measures, peer challenge and priorities served: built by seed_demo, which a
second run leaves as it is."""

import re

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from plans.models import (
    Action,
    Committee,
    Measure,
    MeasureTarget,
    MeasureValue,
    MeasureValueRevision,
    Priority,
    Recommendation,
    Source,
    Theme,
)
from reports import compose, periods
from tracker.models import User


def counts():
    return (
        Priority.objects.count(),
        Action.priorities.through.objects.count(),
        Measure.objects.count(),
        MeasureTarget.objects.count(),
        MeasureValue.objects.count(),
        MeasureValueRevision.objects.count(),
        Source.objects.count(),
        Recommendation.objects.count(),
        Recommendation.actions.through.objects.count(),
    )


def test_seed_demo_adds_measures_and_a_source_once(db):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first == (3, 5, 5, 28, 21, 21, 1, 12, 11)
    assert Theme.objects.get().priority.name == "Resilience"
    assert list(
        Recommendation.objects.get(number=7).actions.values_list("ref", flat=True).order_by("ref")
    ) == ["OC.D5.3", "OC.D5.4", "OC.G1.4"]


def test_the_demo_lead_owes_the_appraisals_figure_in_the_open_round(db):
    call_command("seed_demo")
    client = Client()
    client.force_login(User.objects.get(username="lead"))
    html = client.get(reverse("plans:measures", args=["improvement-plan"])).content.decode()
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "The February 2024 round asks you for 1 figure" in words
    assert "Appraisals completed on time: Q3 2023/24" in words


def test_the_demo_committee_has_its_measures_on_their_pages_and_in_its_report(db):
    call_command("seed_demo")
    committee = Committee.objects.get(slug="corporate-policy-and-resources")
    plan = committee.actions.first().plan
    client = Client()
    client.force_login(User.objects.get(username="councillor"))

    def page(measure):
        url = reverse("plans:measure", args=[plan.slug, measure.pk])
        return " ".join(re.sub(r"<[^>]+>", " ", client.get(url).content.decode()).split())

    sickness = Measure.objects.get(name="Staff sickness absence (days lost per FTE)")
    assert "Committees Corporate Policy and Resources Committee Their reports" in page(sickness)
    enquiries = Measure.objects.get(name__startswith="Councillor enquiries")
    assert "Committees None: only the whole plan’s reports include this measure." in page(enquiries)

    snapshot = compose.compose(
        plan=plan, period=periods.parse("quarterly", "2023-Q3"), committee=committee
    )
    names = [measure["name"] for measure in snapshot["measures"]["measures"]]
    assert names == [
        "Staff sickness absence (days lost per FTE)",
        "Appraisals completed on time",
        "Staff turnover",
    ]
