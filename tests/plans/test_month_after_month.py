"""The update round month after month, with the clock moving on: dates judged against the
month reported on, last month's status carried forward, and the way on to the next action."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from plans.models import Round, Update, UpdateRevision
from plans.vocabulary import status_matcher
from tests import factories

FEB = datetime.date(2024, 2, 1)
# Long after February 2024: the day the demo is run, say.
LATER = datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(LATER, tick=False):
        yield


@pytest.fixture
def round_(plan):
    return Round.objects.create(plan=plan, month=FEB, due=datetime.date(2024, 3, 8))


@pytest.fixture
def action(plan, people, round_):
    return factories.action(
        plan, "OC.A2.1", lead="Head of HR", start_text="Dec-22", due_text="Mar-24", sort_order=1
    )


def status(plan, label):
    return status_matcher(plan.statuses.all())(label)


def url(action, month=FEB):
    return reverse("plans:update", args=[action.plan.slug, action.ref, month.year, month.month])


def post(client, action, **fields):
    data = {"version": 0, "narrative": "", **fields}
    if isinstance(data.get("status"), str):
        data["status"] = status(action.plan, data["status"]).pk
    return client.post(url(action), data)


def text(response):
    return " ".join(response.content.decode().split())


# Warnings against the reporting month.


def test_on_track_the_month_before_the_due_date_is_not_questioned_years_later(action, client_for):
    response = post(client_for("lead"), action, status="On track", narrative="Cabinet in March.")
    assert response.status_code == 302
    assert UpdateRevision.objects.get().confirmed_warnings == ""


def test_a_late_rating_is_judged_at_the_end_of_the_month_reported_on(plan, client_for, round_):
    late = factories.action(plan, "OC.A2.3", lead="Head of HR", due_text="Oct-23")
    page = text(post(client_for("lead"), late, status="On track", narrative="Fine."))
    assert (
        "“On track” allows less than 1 month of slippage, but by February 2024 it is 4 months "
        "after the due date, 31 October 2023." in page
    )
    assert "today" not in page.split("allows less than")[1][:120]


def test_the_status_the_dates_suggest_is_judged_as_at_the_month(plan, client_for, round_):
    late = factories.action(plan, "OC.A2.3", lead="Head of HR", due_text="Jan-24")
    page = text(post(client_for("lead"), late, status="On track", narrative="Fine."))
    # Two months late at the end of February 2024 would be "Significant issues"; a month is
    # "Medium progress". Judged in December 2026 it would be Significant issues.
    assert "Medium progress (what the dates suggest)" in page


def test_a_warning_confirmed_once_is_not_asked_again_on_a_correction(
    plan, client_for, round_, people
):
    late = factories.action(plan, "OC.A2.3", lead="Head of HR", due_text="Oct-23")
    lead = client_for("lead")
    saved = post(lead, late, status="On track", narrative="Fine.", confirm_dates="on")
    assert saved.status_code == 302
    round_.closed_at = LATER
    round_.save()
    clerk = client_for("clerk")
    form = text(clerk.get(url(late)))
    corrected = post(
        clerk,
        late,
        status="On track",
        narrative="Fine, with the committee's date.",
        version=1,
        reason="Lead sent the committee date",
    )
    assert corrected.status_code == 302, text(corrected)
    assert Update.objects.get(action=late).narrative == "Fine, with the committee's date."
    assert "allows less than 1 month" in UpdateRevision.objects.last().confirmed_warnings
    assert "I have checked the definitions" not in form


def test_a_new_warning_on_a_correction_is_still_asked(plan, client_for, round_):
    late = factories.action(plan, "OC.A2.3", lead="Head of HR", due_text="Dec-23")
    post(client_for("lead"), late, status="Significant issues", narrative="Late.")
    round_.closed_at = LATER
    round_.save()
    page = text(
        post(
            client_for("clerk"),
            late,
            status="On track",
            narrative="Fine.",
            version=1,
            reason="Lead asked",
        )
    )
    assert "The dates do not fit this status" in page
    assert Update.objects.get(action=late).status.label == "Significant issues / slippage"


# Carry forward.


def test_the_form_opens_with_last_months_status_chosen(action, client_for):
    factories.update(action, "2024-01", "Medium progress", narrative="January.")
    page = text(client_for("lead").get(url(action)))
    chosen = status(action.plan, "Medium progress").pk
    assert f'value="{chosen}" checked="checked"' in page
    assert page.count('checked="checked"') == 1


def test_no_change_without_a_status_keeps_last_months_status_and_words(action, client_for):
    factories.update(action, "2024-01", "Medium progress", narrative="January's words.")
    response = client_for("lead").post(url(action), {"version": 0, "no_change": "on"})
    assert response.status_code == 302
    update = Update.objects.get(month=FEB)
    assert (update.status.label, update.narrative, update.no_change) == (
        "Medium progress",
        "January's words.",
        True,
    )


def test_without_no_change_a_status_is_still_needed(action, client_for):
    factories.update(action, "2024-01", "Medium progress", narrative="January.")
    page = text(client_for("lead").post(url(action), {"version": 0, "narrative": "New words."}))
    assert "Choose a status" in page
    assert not Update.objects.filter(month=FEB).exists()


def update_all(plan):
    return reverse("plans:update_all", args=[plan.slug])


def test_the_update_all_page_opens_each_row_on_last_months_status(plan, action, client_for):
    factories.update(action, "2024-01", "Medium progress", narrative="January.")
    page = client_for("lead").get(update_all(plan)).content.decode()
    chosen = status(plan, "Medium progress").pk
    assert f'<option value="{chosen}" selected>Medium progress</option>' in page


def test_update_all_saves_no_change_rows_and_skips_rows_left_as_they_opened(
    plan, round_, client_for
):
    first, second, third = (
        factories.action(plan, f"OC.A{n}.1", lead="Head of HR", due_text="Dec-24", sort_order=n)
        for n in (1, 2, 3)
    )
    for item in (first, second, third):
        factories.update(item, "2024-01", "Medium progress", narrative=f"{item.ref} January.")
    medium = status(plan, "Medium progress").pk
    data = {
        # Ticked "No change": saved with last month's status and words.
        f"a{first.pk}-version": 0,
        f"a{first.pk}-status": medium,
        f"a{first.pk}-no_change": "on",
        # New words only.
        f"a{second.pk}-version": 0,
        f"a{second.pk}-status": medium,
        f"a{second.pk}-narrative": "February words.",
        # Left as it opened: skipped, still owed.
        f"a{third.pk}-version": 0,
        f"a{third.pk}-status": medium,
        f"a{third.pk}-narrative": "",
    }
    client = client_for("lead")
    assert client.post(update_all(plan), data).status_code == 302
    saved = {u.action.ref: (u.status.label, u.narrative) for u in Update.objects.filter(month=FEB)}
    assert saved == {
        "OC.A1.1": ("Medium progress", "OC.A1.1 January."),
        "OC.A2.1": ("Medium progress", "February words."),
    }
    page = text(client.get(update_all(plan)))
    assert "2 of 3 done. 1 action still needs an update." in page


def test_a_no_change_row_without_a_status_takes_last_months(plan, action, client_for):
    factories.update(action, "2024-01", "On hold", narrative="Paused.")
    response = client_for("lead").post(
        update_all(plan), {f"a{action.pk}-version": 0, f"a{action.pk}-no_change": "on"}
    )
    assert response.status_code == 302
    assert Update.objects.get(month=FEB).status.label == "On hold"


# Keep going.


def test_after_saving_one_action_the_next_owed_is_offered(plan, action, client_for):
    following = factories.action(
        plan, "OC.A2.4", lead="Head of HR", title="Appraisal scheme", sort_order=4
    )
    factories.action(plan, "OC.A2.5", lead="Head of HR", sort_order=5)
    factories.action(plan, "OC.B1.1", lead="Head of Finance", sort_order=6)  # not theirs
    client = client_for("lead")
    response = post(client, action, status="On track", narrative="Cabinet in March.")
    page = client.get(response.url).content.decode()
    assert "OC.A2.1: your February 2024 update is saved." in page
    assert (
        f'Next action you owe: <a class="govuk-notification-banner__link" '
        f'href="{url(following)}">OC.A2.4 Appraisal scheme</a> (2 left to update).' in page
    )


def test_after_the_last_one_the_officer_is_told_they_are_done(plan, action, client_for):
    client = client_for("lead")
    page = client.get(post(client, action, status="On track", narrative="x").url).content
    assert "That was the last update you owed for February 2024." in page.decode()


def test_a_delegate_is_offered_the_next_action_of_who_they_cover(plan, action, people):
    stand_in = factories.user("stand_in", factories.roles.LEAD_OFFICER)
    people["lead"].delegate = stand_in
    people["lead"].save()
    factories.action(plan, "OC.A2.4", lead="Head of HR", sort_order=4)
    client = Client()
    client.force_login(stand_in)
    page = client.get(post(client, action, status="On track", narrative="x").url).content
    assert "Next action you owe" in page.decode()
    assert "OC.A2.4" in page.decode()


def test_the_demo_run_years_later_warns_of_nothing_the_clock_alone_causes(db):
    """Each action the demo's lead officer owes in February 2024, saved as it opens (last
    month's status, "No change"): the same warnings in 2026 as on the round's due date."""
    import io

    from django.core.management import call_command
    from django.db import transaction

    from plans import owing
    from plans.updates import previous_update
    from tracker.models import User

    call_command("seed_demo", stdout=io.StringIO())
    lead = User.objects.get(username="lead")
    client = Client()
    client.force_login(lead)
    [(round_, owed)] = owing.due_for(lead)
    assert owed

    def warned(when):
        found = {}
        with time_machine.travel(when, tick=False):
            for action in owed:
                previous = previous_update(action, round_.month)
                data = {"version": 0, "no_change": "on", "status": previous.status_id}
                with transaction.atomic():  # look, but save nothing
                    response = client.post(action.update_url(round_.month), data)
                    transaction.set_rollback(True)
                found[action.ref] = response.context["form"].warnings if response.context else []
        return found

    at_the_time = warned(datetime.datetime(2024, 3, 8, 12, tzinfo=datetime.UTC))
    assert warned(LATER) == at_the_time
