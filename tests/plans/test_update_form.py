"""The one-action update form: statuses with their definitions, the narrative or "no change",
evidence, warnings about dates, suggestions, revisions, locking, delegation and conflicts."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from plans.models import Round, Update, UpdateRevision
from plans.vocabulary import status_matcher
from tests import factories

FEB = datetime.date(2024, 2, 1)
TODAY = datetime.datetime(2024, 2, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def round_(plan):
    return Round.objects.create(plan=plan, month=FEB, due=datetime.date(2024, 3, 8))


@pytest.fixture
def action(plan, people, round_):
    people["lead"].first_name, people["lead"].last_name = "Dana", "Smith"
    people["lead"].save()
    return factories.action(
        plan,
        "OC.A2.1",
        lead="Head of HR",
        title="Workforce Strategy approved",
        start_text="Dec-22",
        due_text="Mar-24",
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


def test_the_form_offers_the_plans_statuses_with_their_definitions(action, client_for):
    page = client_for("lead").get(url(action)).content.decode()
    for item in action.plan.statuses.all():
        assert item.label in page
    assert "little or no slippage" not in page  # synonyms are for imports, not people
    assert "slippage (e.g. less than 1 month)" in page  # On track's definition as a hint
    assert 'class="govuk-hint govuk-radios__hint"' in page


def test_saving_records_author_time_and_signature(action, client_for, people):
    response = post(client_for("lead"), action, status="Medium progress", narrative="Drafted.")
    assert response.status_code == 302
    update = Update.objects.get()
    assert (update.author, update.signature, update.narrative) == (
        people["lead"],
        "DS 20.02.24",
        "Drafted.",
    )
    assert update.updated_at == TODAY
    assert update.on_behalf_of is None


def test_the_narrative_is_required_unless_no_change_is_ticked(action, client_for):
    factories.update(action, "2024-01", "On track", narrative="January's words.")
    client = client_for("lead")
    page = post(client, action, status="On track").content.decode()
    assert "Enter what has happened since last month" in page
    assert 'class="govuk-error-summary"' in page
    assert post(client, action, status="On track", no_change="on").status_code == 302
    update = Update.objects.get(month=FEB)
    assert update.no_change
    assert update.narrative == "January's words."


def test_no_change_is_not_offered_without_an_earlier_update(action, client_for):
    page = client_for("lead").get(url(action)).content.decode()
    assert "No change since last month" not in page
    assert "This action has no earlier update" in page


def test_last_months_words_are_shown_beside_the_form(action, client_for):
    factories.update(action, "2024-01", "On track", narrative="January words.")
    page = client_for("lead").get(url(action)).content.decode()
    assert "Last update (January 2024)" in page
    assert "January words." in page


def test_a_status_needing_evidence_cannot_be_saved_without_it(action, client_for):
    client = client_for("lead")
    page = post(client, action, status="Closed", narrative="Done.").content.decode()
    assert "“Closed” needs evidence" in page
    assert not Update.objects.exists()
    response = post(
        client,
        action,
        status="Closed",
        narrative="Done.",
        evidence_link="https://intranet.example.gov.uk/strategy.pdf",
    )
    assert response.status_code == 302
    assert Update.objects.get().evidence.get().link.endswith("strategy.pdf")


def test_on_track_long_after_the_due_date_warns_and_can_be_confirmed(plan, client_for, round_):
    late = factories.action(plan, "OC.A2.3", lead="Head of HR", due_text="Oct-23")
    client = client_for("lead")
    page = post(client, late, status="On track", narrative="Fine.").content.decode()
    assert "“On track” allows less than 1 month of slippage" in page
    assert "31 October 2023" in page
    assert "Progress against the action is good" in page  # the definition, to judge by
    assert not Update.objects.exists()
    confirmed = post(client, late, status="On track", narrative="Fine.", confirm_dates="on")
    assert confirmed.status_code == 302
    revision = UpdateRevision.objects.get()
    assert "allows less than 1 month" in revision.confirmed_warnings


def test_not_due_to_start_after_the_start_date_warns(action, client_for):
    page = post(client_for("lead"), action, status="Not due to start", narrative="x").content
    assert "means work has not started, but the action was due to start on 1 December 2022" in (
        page.decode()
    )


def test_a_pessimistic_rating_is_not_nagged(action, client_for):
    response = post(client_for("lead"), action, status="Significant issues", narrative="Stuck.")
    assert response.status_code == 302


def test_the_status_the_dates_suggest_is_recorded_beside_the_officers_own(action, client_for):
    client = client_for("lead")
    suggested = client.post(
        url(action),
        {
            "version": 0,
            "status": status(action.plan, "On track").pk,
            "narrative": "Cabinet in May.",
            "projected_completion_0": "15",
            "projected_completion_1": "5",
            "projected_completion_2": "2024",
            "suggest": "1",
        },
    ).content.decode()
    assert "the plan's definitions suggest <strong>Medium progress</strong>" in suggested
    assert not Update.objects.exists()  # suggesting saves nothing
    response = client.post(
        url(action),
        {
            "version": 0,
            "status": status(action.plan, "Significant issues").pk,
            "narrative": "Cabinet in May.",
            "projected_completion_0": "15",
            "projected_completion_1": "5",
            "projected_completion_2": "2024",
        },
    )
    assert response.status_code == 302
    update = Update.objects.get()
    assert update.suggested_status.label == "Medium progress"
    assert update.self_rated_differently


def test_a_date_with_a_part_missing_is_an_error(action, client_for):
    page = client_for("lead").post(
        url(action),
        {
            "version": 0,
            "status": status(action.plan, "On track").pk,
            "narrative": "x",
            "projected_completion_1": "5",
            "projected_completion_2": "2024",
        },
    )
    assert "Enter the day, month and year" in page.content.decode()
    assert not Update.objects.exists()


def test_editing_during_the_round_keeps_each_earlier_revision(action, client_for):
    client = client_for("lead")
    post(client, action, status="On track", narrative="First.")
    post(client, action, status="Medium progress", narrative="Second.", version=1)
    update = Update.objects.get()
    assert update.version == 2
    assert list(update.revisions.values_list("narrative", flat=True)) == ["First.", "Second."]
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Second." in page


def test_after_the_round_closes_the_officer_cannot_change_the_update(action, client_for, round_):
    client = client_for("lead")
    post(client, action, status="On track", narrative="Saved in time.")
    round_.closed_at = TODAY
    round_.save()
    page = client.get(url(action))
    assert "This update is locked" in page.content.decode()
    response = post(client, action, status="Medium progress", narrative="Too late.", version=1)
    assert response.status_code == 403
    assert Update.objects.get().narrative == "Saved in time."


def test_words_typed_before_the_round_closed_are_shown_back_not_lost(action, client_for, round_):
    client = client_for("lead")
    client.get(url(action))
    round_.closed_at = TODAY
    round_.save()
    response = post(client, action, status="On track", narrative="Typed before it closed.")
    page = response.content.decode()
    assert response.status_code == 403
    assert "round closed on 20 February 2024" in page
    assert "Typed before it closed.</textarea>" in page
    assert not Update.objects.exists()


def test_a_performance_officers_correction_is_a_revision_with_a_reason(action, client_for, round_):
    post(client_for("lead"), action, status="On track", narrative="Saved in time.")
    round_.closed_at = TODAY
    round_.save()
    clerk = client_for("clerk")
    page = post(clerk, action, status="Medium progress", narrative="Corrected.", version=1)
    assert "Say why you are correcting a closed round" in page.content.decode()
    response = post(
        clerk,
        action,
        status="Medium progress",
        narrative="Corrected.",
        version=1,
        reason="Lead emailed the right status after the deadline",
    )
    assert response.status_code == 302
    revisions = Update.objects.get().revisions.order_by("version")
    assert [r.narrative for r in revisions] == ["Saved in time.", "Corrected."]
    assert revisions.last().reason == "Lead emailed the right status after the deadline"


def test_a_month_without_a_round_is_not_open_to_officers(action, client_for):
    page = client_for("lead").get(url(action, datetime.date(2024, 1, 1))).content.decode()
    assert "There is no update round for January 2024" in page


def test_a_parent_shows_its_childrens_roll_up_instead_of_a_form(plan, client_for, round_):
    parent = factories.action(plan, "OC.A2.0", lead="Head of HR", title="Focus")
    child = factories.action(plan, "OC.A2.1", lead="Head of HR", parent=parent)
    factories.action(plan, "OC.A2.2", lead="Head of HR", parent=parent)
    factories.update(child, "2024-02", "Medium progress")
    page = client_for("lead").get(url(parent)).content.decode()
    assert "This is a focus action" in page
    assert "Medium progress" in page
    assert "<form" not in page.split('id="main-content"')[1]
    assert post(client_for("lead"), parent, status="On track", narrative="x").status_code == 200
    assert not Update.objects.filter(action=parent).exists()


def test_a_parent_rates_itself_when_the_plan_says_so(plan, client_for, round_):
    plan.parents_rate_themselves = True
    plan.save()
    parent = factories.action(plan, "OC.A2.0", lead="Head of HR", title="Focus")
    factories.action(plan, "OC.A2.1", lead="Head of HR", parent=parent)
    assert post(client_for("lead"), parent, status="On track", narrative="x").status_code == 302


def test_a_delegate_writes_for_the_officer_and_the_record_says_so(action, people, client_for):
    stand_in = factories.user("stand_in", factories.roles.LEAD_OFFICER, first_name="Alex")
    people["lead"].delegate = stand_in
    people["lead"].save()
    client = Client()
    client.force_login(stand_in)
    assert post(client, action, status="On track", narrative="Covering.").status_code == 302
    update = Update.objects.get()
    assert (update.author, update.on_behalf_of) == (stand_in, people["lead"])
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Alex for Dana Smith" in page


def test_naming_a_delegate(people, client_for):
    stand_in = factories.user("stand_in", factories.roles.LEAD_OFFICER)
    client = client_for("lead")
    assert "Your delegate" in client.get(reverse("plans:delegate")).content.decode()
    response = client.post(reverse("plans:delegate"), {"delegate": stand_in.pk})
    assert response.status_code == 302
    people["lead"].refresh_from_db()
    assert people["lead"].delegate == stand_in
    client.post(reverse("plans:delegate"), {"delegate": ""})
    people["lead"].refresh_from_db()
    assert people["lead"].delegate is None


def test_councillors_cannot_be_named_delegates(people, client_for):
    response = client_for("lead").post(
        reverse("plans:delegate"), {"delegate": people["councillor"].pk}
    )
    assert response.status_code == 200
    people["lead"].refresh_from_db()
    assert people["lead"].delegate is None


def test_two_people_editing_at_once_the_second_is_refused_and_keeps_their_text(
    action, people, client_for
):
    factories.update(action, "2024-01", "On track", narrative="January.")
    lead, clerk = client_for("lead"), client_for("clerk")
    # Both open the form while there is no February update yet.
    assert 'name="version" value="0"' in lead.get(url(action)).content.decode()
    assert 'name="version" value="0"' in clerk.get(url(action)).content.decode()
    first = post(lead, action, status="Medium progress", narrative="Lead's account.")
    assert first.status_code == 302
    second = post(clerk, action, status="On track", narrative="Clerk's account.")
    page = second.content.decode()
    assert second.status_code == 409
    assert "while you were writing yours" in page
    assert "Lead&#x27;s account." in page  # what the other person saved
    assert "Clerk&#x27;s account.</textarea>" in page  # what this person typed, kept
    assert 'name="version" value="1"' in page  # ready to save the merged text
    assert Update.objects.get(month=FEB).narrative == "Lead's account."
    merged = post(
        clerk, action, status="On track", narrative="Lead's account. Clerk's account.", version=1
    )
    assert merged.status_code == 302
    assert list(
        UpdateRevision.objects.filter(update__month=FEB).values_list("narrative", flat=True)
    ) == [
        "Lead's account.",
        "Lead's account. Clerk's account.",
    ]


def test_the_home_page_links_each_action_to_its_form(action, client_for):
    page = client_for("lead").get(reverse("home")).content.decode()
    assert url(action) in page
    assert reverse("plans:update_all", args=[action.plan.slug]) in page


def test_a_performance_officer_covering_can_be_named_delegate(people, client_for):
    director = factories.user("director", factories.roles.LEAD_OFFICER, ["Director of People"])
    client = client_for("lead")
    page = client.get(reverse("plans:delegate")).content.decode()
    for person in (people["clerk"], people["admin"], director, people["other_lead"]):
        assert f'<option value="{person.pk}"' in page
    assert f'<option value="{people["councillor"].pk}"' not in page
    assert (
        client.post(reverse("plans:delegate"), {"delegate": people["clerk"].pk}).status_code == 302
    )
    people["lead"].refresh_from_db()
    assert people["lead"].delegate == people["clerk"]
