"""My committee: a councillor on a committee sees it on the home page, with its RAG counts
and its red and amber actions, and reaches them in the tracker in one click; the dashboard
shows one committee's actions with `committee=`, in a fixed number of queries."""

import datetime
import re

import pytest
from django.urls import reverse

from plans.models import Committee, Round
from plans.updates import submit_update
from plans.vocabulary import status_matcher
from tests import factories
from tests.generate import build_plan

RED = "Significant issues / slippage"
AMBER = "Medium progress"
FEBRUARY = datetime.date(2024, 2, 1)


@pytest.fixture
def committee(plan, people):
    """The councillor chairs the Audit Committee, which oversees three of four actions: one
    red, one amber, one green; the fourth, red, is another committee's."""
    audit = Committee.objects.create(
        name="Audit Committee", slug="audit", chair=people["councillor"]
    )
    for ref, status in [("AU.1", RED), ("AU.2", AMBER), ("AU.3", "On track")]:
        action = factories.action(plan, ref, lead="Head of HR", title=f"Audit action {ref}")
        factories.update(action, "2024-01", status, narrative=f"Words of {ref}.")
        audit.actions.add(action)
    other = factories.action(plan, "OT.1", title="Another committee's action")
    factories.update(other, "2024-01", RED)
    return audit


def links(response):
    return re.findall(r'href="([^"]+)"', response.content.decode())


def test_chair_sees_their_committee_with_rag_counts_and_red_and_amber_actions(
    committee, client_for
):
    page = client_for("councillor").get(reverse("home")).content.decode()
    section = page[page.index("Your committees") :]
    assert "Audit Committee" in section
    assert "of 3 actions counted, 33% green, 33% amber and 33% red" in section
    assert "AU.1 Audit action AU.1" in section and "AU.2 Audit action AU.2" in section
    assert "AU.3 Audit action AU.3" not in section  # green
    assert "OT.1" not in section  # another committee's


def test_one_click_from_home_reaches_the_committees_red_and_amber_actions(committee, client_for):
    client = client_for("councillor")
    home = client.get(reverse("home")).content.decode()
    link = re.search(r'href="([^"]+)">See its 1 red and 1 amber actions', home).group(1)
    tracker = client.get(link.replace("&amp;", "&")).content.decode()
    assert "AU.1" in tracker and "AU.2" in tracker
    assert "AU.3" not in tracker and "OT.1" not in tracker


def test_people_on_no_committee_see_no_committee_section(committee, client_for):
    assert "Your committees" not in client_for("lead").get(reverse("home")).content.decode()


def test_members_and_vice_chairs_see_it_too(committee, people, client_for):
    committee.chair = None
    committee.vice_chair = people["clerk"]
    committee.save()
    committee.members.add(people["lead"])
    for role in ("clerk", "lead"):
        assert "Your committees" in client_for(role).get(reverse("home")).content.decode()
    assert "Your committees" not in client_for("councillor").get(reverse("home")).content.decode()


def test_an_update_awaiting_sign_off_does_not_count(committee, plan, people, client_for):
    plan.updates_need_sign_off = True
    plan.save()
    Round.objects.create(plan=plan, month=FEBRUARY, due=datetime.date(2024, 3, 8))
    submit_update(
        action=plan.actions.get(ref="AU.3"),
        month=FEBRUARY,
        by=people["lead"],
        status=status_matcher(plan.statuses.all())(RED),
        narrative="Draft: slipping badly.",
        expected_version=0,
    )
    page = client_for("councillor").get(reverse("home")).content.decode()
    assert "See its 1 red and 1 amber actions" in page
    assert "Draft: slipping badly." not in page


def test_the_dashboard_shows_one_committees_actions(committee, plan, client_for):
    address = reverse("plans:dashboard", args=[plan.slug])
    whole = client_for("councillor").get(address).content.decode()
    assert "OT.1" in whole
    page = client_for("councillor").get(f"{address}?committee={committee.pk}").content.decode()
    assert "Audit Committee" in page
    assert "Of 3 actions counted in January 2024" in page
    assert "OT.1" not in page and "AU.1" in page
    # Its charts and the month menu keep to the committee.
    assert f"committee={committee.pk}" in page
    assert f'name="committee" value="{committee.pk}"' in page


def test_the_dashboard_refuses_a_committee_not_in_the_plan(committee, plan, client_for):
    elsewhere = Committee.objects.create(name="Licensing", slug="licensing")
    address = reverse("plans:dashboard", args=[plan.slug])
    client = client_for("councillor")
    assert client.get(f"{address}?committee={elsewhere.pk}").status_code == 404
    assert client.get(f"{address}?committee=audit").status_code == 404


def test_the_committee_page_links_to_its_dashboard(committee, plan, client_for):
    page = client_for("councillor").get(reverse("plans:committee", args=[plan.slug, "audit"]))
    assert f"{reverse('plans:dashboard', args=[plan.slug])}?committee={committee.pk}" in links(page)


@pytest.mark.parametrize("size", [50, 500])
def test_the_committee_dashboard_runs_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries, size
):
    plan = build_plan(size, 3, slug=f"plan-{size}")
    committee = Committee.objects.filter(actions__plan=plan).first()
    address = f"{reverse('plans:dashboard', args=[plan.slug])}?committee={committee.pk}"
    client = client_for("councillor")
    with django_assert_max_num_queries(19):
        response = client.get(address)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_the_home_page_committees_do_not_grow_with_their_actions(
    committee, plan, client_for, django_assert_max_num_queries, count
):
    for number in range(count):
        action = factories.action(plan, f"MORE.{number}", title=f"More {number}")
        factories.update(action, "2024-01", RED if number % 2 else AMBER)
        committee.actions.add(action)
    # The plan overview's queries and the committee's (its dashboard's five among them): the
    # same for 3 actions as for 30. (Signed in first: signing in is not the page's work.)
    councillor = client_for("councillor")
    with django_assert_max_num_queries(35):
        response = councillor.get(reverse("home"))
    assert f"See its {count // 2 + 1} red and {count - count // 2 + 1} amber" in (
        response.content.decode()
    )
