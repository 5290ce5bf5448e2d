"""All my actions at once: one page, one button; a row with a problem never loses the rest."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Round, Update
from plans.vocabulary import status_matcher
from tests import factories

FEB = datetime.date(2024, 2, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2024, 2, 20, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def round_(plan):
    return Round.objects.create(plan=plan, month=FEB, due=datetime.date(2024, 3, 8))


def make_actions(plan, count, lead="Head of HR"):
    return [
        factories.action(plan, f"OC.A{n}.1", lead=lead, due_text="Dec-24", sort_order=n)
        for n in range(1, count + 1)
    ]


def page_url(plan):
    return reverse("plans:update_all", args=[plan.slug])


def row(action, status=None, narrative="", version=0, **extra):
    prefix = f"a{action.pk}"
    data = {f"{prefix}-version": version, f"{prefix}-narrative": narrative}
    if status:
        data[f"{prefix}-status"] = status_matcher(action.plan.statuses.all())(status).pk
    data.update({f"{prefix}-{name}": value for name, value in extra.items()})
    return data


def test_the_page_lists_each_action_with_last_months_words(plan, round_, client_for):
    first, second = make_actions(plan, 2)
    factories.action(plan, "OC.B1.1", lead="Head of Finance", title="Not mine")
    factories.update(first, "2024-01", "Medium progress", narrative="January words.")
    page = client_for("lead").get(page_url(plan)).content.decode()
    assert "Your February 2024 updates" in page
    assert "2 actions still need an update" in page
    assert "January words." in page
    assert f'name="a{first.pk}-status"' in page
    assert f'name="a{second.pk}-narrative"' in page
    assert "Not mine" not in page


def test_one_button_saves_every_filled_row_and_skips_blank_ones(plan, round_, client_for, people):
    first, second, third = make_actions(plan, 3)
    client = client_for("lead")
    response = client.post(
        page_url(plan),
        {**row(first, "On track", "One."), **row(second, "Medium progress", "Two."), **row(third)},
    )
    assert response.status_code == 302
    saved = dict(Update.objects.values_list("action__ref", "narrative"))
    assert saved == {"OC.A1.1": "One.", "OC.A2.1": "Two."}
    assert set(Update.objects.values_list("author", flat=True)) == {people["lead"].pk}
    page = client.get(page_url(plan)).content.decode()
    assert "Saved 2 updates." in page
    assert "1 action still needs an update" in page


def test_a_wrong_row_points_at_its_action_and_the_rest_are_saved(plan, round_, client_for):
    first, second, third = make_actions(plan, 3)
    response = client_for("lead").post(
        page_url(plan),
        {
            **row(first, "On track", "One."),
            **row(second, None, "Forgot the status."),
            **row(third, "Closed", "Done but no evidence."),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 actions not saved yet" in page
    assert f'href="#id_a{second.pk}-status">OC.A2.1: Choose a status' in page
    assert "OC.A3.1: “Closed” needs evidence" in page
    assert "Forgot the status.</textarea>" in page  # nothing typed is lost
    assert "Done but no evidence.</textarea>" in page
    assert list(Update.objects.values_list("action__ref", flat=True)) == ["OC.A1.1"]
    assert "1 update saved." in page


def test_a_conflict_in_one_row_keeps_the_typed_text_and_saves_the_others(
    plan, round_, client_for, people
):
    first, second = make_actions(plan, 2)
    client = client_for("lead")
    data = {**row(first, "On track", "Mine."), **row(second, "Medium progress", "Mine too.")}
    # The page is loaded with version 0; before it is saved, someone else writes the second.
    factories.update(second, "2024-02", "On track", narrative="Someone else's.")
    page = client.post(page_url(plan), data).content.decode()
    assert "while you were writing yours" in page
    assert "Someone else&#x27;s." in page
    assert "Mine too.</textarea>" in page
    assert f'name="a{second.pk}-version" value="1"' in page
    assert Update.objects.get(action=first).narrative == "Mine."
    assert Update.objects.get(action=second).narrative == "Someone else's."


def test_rows_typed_before_the_round_closed_are_shown_back_not_lost(plan, round_, client_for):
    first, second = make_actions(plan, 2)
    round_.closed_at = datetime.datetime(2024, 2, 20, 9, tzinfo=datetime.UTC)
    round_.save()
    page = client_for("lead").post(
        page_url(plan), {**row(first, "On track", "Typed in time?"), **row(second)}
    )
    text = page.content.decode()
    assert "OC.A1.1: The February 2024 update round closed on 20 February 2024" in text
    assert "Typed in time?</textarea>" in text
    assert not Update.objects.exists()


def test_nothing_filled_in_saves_nothing(plan, round_, client_for):
    make_actions(plan, 2)
    response = client_for("lead").post(page_url(plan), {})
    assert response.status_code == 302
    assert not Update.objects.exists()


def test_without_an_open_round_the_page_says_so(plan, client_for):
    make_actions(plan, 1)
    page = client_for("lead").get(page_url(plan)).content.decode()
    assert "There is no update round open" in page


def queries_to_save(plan, client, count):
    actions = make_actions(plan, count)
    data = {}
    for action in actions:
        data.update(row(action, "On track", f"Words for {action.ref}."))
    with CaptureQueriesContext(connection) as captured:
        response = client.post(page_url(plan), data)
    assert response.status_code == 302
    assert Update.objects.count() == count
    return len(captured)


@pytest.mark.parametrize("count", [1, 5, 30])
def test_saving_runs_a_fixed_number_of_queries_per_action(plan, round_, client_for, count):
    used = queries_to_save(plan, client_for("lead"), count)
    # Pinned: 15 for the page whatever the number of rows (session, user, roles, plan, open
    # round, statuses, the rows with last month's and this month's updates, then for the save
    # the transaction, the permission for all rows, whose posts the writer holds, and the
    # round, locked) and 14 for each action saved: three savepoints opened and released (the
    # third round the insert, so one meeting someone else's insert reads theirs instead of
    # failing), the locked read, the update, its revision, the action's StatusMonth rows
    # rebuilt (delete, read its signed-off updates, insert), the plan's data version and the
    # action's updates version.
    assert used == 15 + 14 * count


@pytest.mark.parametrize("count", [1, 30])
def test_showing_the_page_runs_the_same_queries_whatever_the_number_of_actions(
    plan, round_, client_for, count, django_assert_num_queries
):
    for action in make_actions(plan, count):
        factories.update(action, "2024-01", "On track")
    client = client_for("lead")
    # Session, user, roles, plan, open round, statuses, delegators, the actions, last
    # month's updates, this month's updates.
    with django_assert_num_queries(10):
        assert client.get(page_url(plan)).status_code == 200
