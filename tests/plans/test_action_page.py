"""An action's page: every field, its parent and sub-actions, every update as a timeline with
earlier wordings on request, evidence, and who changed the action's own details."""

import datetime
import re

import pytest
from django.urls import reverse

from plans.models import (
    Committee,
    Evidence,
    Post,
    Priority,
    Recommendation,
    Round,
    Source,
    Update,
)
from tests import factories


@pytest.fixture
def action(plan, people):
    parent = factories.action(plan, "OC.A2.0", title="Create the right environment")
    action = factories.action(
        plan,
        "OC.A2.1",
        parent=parent,
        title="Workforce Strategy approved",
        lead="Head of HR",
        description="A strategy for the whole workforce.",
        director=Post.objects.create(name="Chief Executive"),
        member_lead="Deputy Leader",
        start_text="Dec-22",
        due_text="Mar-24",
        risk="Focus 1",
        outcome="Strategy adopted by Cabinet.",
        source="Peer challenge recommendation 3a",
        statutory=True,
    )
    action.other_leads.add(Post.objects.create(name="HR Team Manager"))
    action.priorities.add(Priority.objects.create(plan=plan, name="A well-run council"))
    peer = Source.objects.create(plan=plan, name="LGA corporate peer challenge 2023")
    Recommendation.objects.create(
        source=peer, number=3, text="Agree a workforce strategy."
    ).actions.add(action)
    Committee.objects.create(name="Audit Committee", slug="audit").actions.add(action)
    factories.action(plan, "OC.A2.2", parent=parent, title="People plan published")
    factories.update(action, "2023-12", "On track", "Entered onto the forward plan.")
    factories.update(action, "2024-01", "On track", "Cabinet in March.", author=people["lead"])
    factories.update(
        action, "2024-01", "Medium progress", "Cabinet moved to April.", author=people["lead"]
    )
    return action


def page(client, ref="OC.A2.1"):
    response = client.get(reverse("plans:action", args=["corporate-plan", ref]))
    assert response.status_code == 200
    return response.content.decode()


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_every_field_is_shown(action, client_for):
    words = text(page(client_for("councillor")))
    for expected in [
        "Part of OC.A2.0 Create the right environment",
        "Description A strategy for the whole workforce.",
        "Director Chief Executive",
        "Lead officer Head of HR",
        "Other leads HR Team Manager",
        "Other priorities served A well-run council",
        "Member lead Deputy Leader",
        "Committees Audit Committee",
        "Start Dec-22 (1 December 2022)",
        "Due Mar-24 (by 31 March 2024)",
        "Risk / focus Focus 1",
        "Outcome and measures of success Strategy adopted by Cabinet.",
        "Source Peer challenge recommendation 3a",
        "Recommendations it answers LGA corporate peer challenge 2023, recommendation 3: "
        "Agree a workforce strategy.",
        "Also Statutory function.",
    ]:
        assert expected in words


def test_a_focus_action_lists_its_sub_actions_with_their_status(action, client_for):
    words = text(page(client_for("councillor"), "OC.A2.0"))
    assert "A focus action: its sub-actions carry the statuses." in words
    assert "OC.A2.1 Workforce Strategy approved Head of HR Medium progress Jan 2024" in words
    assert "OC.A2.2 People plan published No update yet" in words


def test_updates_form_a_timeline_with_the_status_definition_and_who_wrote_it(action, client_for):
    words = text(page(client_for("councillor")))
    january = words.index("January 2024 Medium progress")
    december = words.index("December 2023 On track")
    assert january < december
    assert (
        "Medium progress: Progress on the action is being made but there is i) a medium level "
        "of issues and/or ii) slippage (actual/projected) of 1-2 months." in words
    )
    assert "Cabinet moved to April. Written by lead" in words


def test_earlier_wordings_of_a_month_are_kept_behind_a_details_element(action, client_for):
    html = page(client_for("councillor"))
    details = text(
        html.split("Earlier wordings of the January 2024 update (1)")[1].split("</details>")[0]
    )
    assert "Version 1" in details
    assert "Cabinet in March." in details
    assert "On track" in details


def test_evidence_is_listed_with_its_update(action, client_for):
    update = Update.objects.get(action=action, month=datetime.date(2024, 1, 1))
    Evidence.objects.create(
        update=update, link="https://example.org/cabinet", description="Cabinet report"
    )
    item = Evidence.objects.create(update=update, file="evidence/x.pdf", filename="strategy.pdf")
    html = page(client_for("councillor"))
    assert (
        '<a class="govuk-link" href="https://example.org/cabinet" rel="noopener noreferrer">Cabinet report</a>'
        in html
    )
    assert f'href="/plans/corporate-plan/evidence/{item.pk}/">strategy.pdf</a>' in html
    assert "(January 2024 update, added" in text(html)


def test_changes_to_the_actions_details_say_who_when_and_from_what(action, client_for, people):
    action._history_user = people["admin"]
    action.due_text = "Jun-24"
    action.lead_officer = Post.objects.create(name="Head of People")
    action.save()
    action.other_leads.add(Post.objects.create(name="Comms Lead"))
    words = text(page(client_for("councillor")))
    changes = words.split("Changes to this action")[1]
    assert "Due (as written) : Mar-24 → changed to Jun-24" in changes
    assert "Lead officer : Head of HR → changed to Head of People" in changes
    assert "Other leads : HR Team Manager → changed to HR Team Manager, Comms Lead" in changes
    assert changes.count("admin") == 2
    assert changes.index("Jun-24") < changes.index("Created")


def test_councillors_see_only_signed_off_updates_and_officers_see_the_rest(action, client_for):
    factories.update(action, "2024-02", "Complete", "Adopted at Cabinet.")
    Update.objects.filter(action=action, month=datetime.date(2024, 2, 1)).update(
        approval=Update.Approval.SUBMITTED
    )
    assert "Adopted at Cabinet." not in page(client_for("councillor"))
    officer = text(page(client_for("clerk")))
    assert "February 2024 Complete Awaiting sign-off" in officer


def test_the_lead_officer_is_offered_the_open_rounds_update(action, client_for):
    Round.objects.create(
        plan=action.plan, month=datetime.date(2024, 2, 1), due=datetime.date(2024, 3, 8)
    )
    link = 'href="/plans/corporate-plan/actions/OC.A2.1/update/2024/2/"'
    assert link in page(client_for("lead"))
    assert link not in page(client_for("councillor"))
    assert link not in page(client_for("other_lead"))
