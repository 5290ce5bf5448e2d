"""Who owes an update, month after month: done stays done until someone reopens it, statuses
the plan sets "not asked while it holds" carry over, and the home page, the reminder emails
and the chase list give one answer, naming every person and vacant post."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from plans import tasks
from plans.models import Evidence, Reminder, Round, Status, Update
from plans.vocabulary import status_matcher
from tests import factories

FEB = datetime.date(2024, 2, 1)
MAR = datetime.date(2024, 3, 1)
APR = datetime.date(2024, 4, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2024, 4, 3, 9, tzinfo=datetime.UTC), tick=False):
        yield


def status(plan, label):
    return status_matcher(plan.statuses.all())(label)


def round_for(plan, month):
    return Round.objects.create(plan=plan, month=month, due=month.replace(day=28))


def home_refs(client):
    """The refs listed on the home page, after checking its sentence counts them."""
    page = client.get(reverse("home"))
    refs = [action.ref for _, actions in page.context["due"] for action in actions]
    count = f"{len(refs)} of your actions need{'s' if len(refs) == 1 else ''} an update"
    assert count in page.content.decode()
    return refs


@pytest.fixture
def hr(plan, people):
    done = factories.action(plan, "HR.1", lead="Head of HR", title="Strategy")
    closed = factories.action(plan, "HR.2", lead="Head of HR", title="Appraisals")
    live = factories.action(plan, "HR.3", lead="Head of HR", title="Recruitment")
    factories.update(done, "2024-02", "Complete")
    update = factories.update(closed, "2024-02", "Closed")
    Evidence.objects.create(update=update, link="https://example.org/appraisals-report")
    factories.update(live, "2024-02", "On track")
    return done, closed, live


def test_done_stays_done_in_later_rounds(plan, people, hr, client_for):
    round_ = round_for(plan, MAR)
    lead = client_for("lead")
    assert home_refs(lead) == ["HR.3"]
    page = lead.get(reverse("plans:update_all", args=[plan.slug])).content.decode()
    assert "1 action still needs an update" in page
    assert page.count("No March 2024 update needed") == 2
    tasks.send_reminder.call(round_.pk, people["lead"].pk, Reminder.Kind.OPENED)
    assert "HR.1" not in mail.outbox[0].body and "HR.3" in mail.outbox[0].body
    chase = client_for("clerk").get(reverse("plans:chase", args=[plan.slug, 2024, 3]))
    assert "1 action still needs an update" in chase.content.decode()
    assert "HR.1" not in chase.content.decode()


def test_choosing_another_status_reopens_a_done_action(plan, hr, client_for):
    done = hr[0]
    factories.update(done, "2024-03", "On track", narrative="Reopened: a second phase.")
    round_for(plan, APR)
    assert home_refs(client_for("lead")) == ["HR.1", "HR.3"]


def test_a_returned_update_is_owed_even_when_last_month_was_done(plan, hr, client_for):
    factories.update(hr[0], "2024-03", "Complete", approval=Update.Approval.RETURNED)
    round_for(plan, MAR)
    assert home_refs(client_for("lead")) == ["HR.1", "HR.3"]


def test_a_status_set_not_asked_while_it_holds_carries_over(plan, client_for):
    paused = factories.action(plan, "HR.4", lead="Head of HR")
    factories.update(paused, "2024-02", "On hold")
    factories.update(factories.action(plan, "HR.5", lead="Head of HR"), "2024-02", "N/A")
    round_for(plan, MAR)
    assert home_refs(client_for("lead")) == ["HR.4", "HR.5"]  # asked every month
    Status.objects.filter(plan=plan, label="N/A").update(asked=Status.Asked.NOT_WHILE_HELD)
    assert home_refs(client_for("lead")) == ["HR.4"]
    admin = client_for("admin").get(reverse("admin:plans_status_changelist")).content.decode()
    assert "Not asked while it holds" in admin


def test_a_no_change_save_of_a_closed_action_keeps_its_evidence(plan, people, hr, client_for):
    closed = hr[1]
    round_for(plan, MAR)
    url = reverse("plans:update", args=[plan.slug, closed.ref, 2024, 3])
    response = client_for("lead").post(
        url,
        {"version": 0, "status": status(plan, "Closed").pk, "no_change": "on", "narrative": ""},
    )
    assert response.status_code == 302, response.content.decode()
    saved = Update.objects.get(action=closed, month=MAR)
    assert (saved.status.label, saved.no_change) == ("Closed", True)


def test_evidence_from_before_a_reopening_does_not_count(plan, people, hr, client_for):
    closed = hr[1]
    factories.update(closed, "2024-03", "On track", narrative="Reopened.")
    round_for(plan, APR)
    response = client_for("lead").post(
        reverse("plans:update", args=[plan.slug, closed.ref, 2024, 4]),
        {"version": 0, "status": status(plan, "Closed").pk, "narrative": "Done again."},
    )
    assert "“Closed” needs evidence" in response.content.decode()


@pytest.fixture
def staffing(plan, people):
    """The lead officer leads three actions, one written by a vacant update-owner post; the
    Head of Finance post is vacant; one action names no lead officer."""
    factories.action(plan, "HR.1", lead="Head of HR", title="Strategy")
    owned = factories.action(plan, "HR.2", lead="Head of HR", title="Payroll")
    owned.update_owner = factories.Post.objects.create(name="Payroll manager")
    owned.save()
    factories.action(plan, "HR.3", lead="Head of HR", title="Training")
    people["other_lead"].is_active = False  # left the council
    people["other_lead"].save()
    factories.action(plan, "FIN.1", lead="Head of Finance", title="Budget")
    factories.action(plan, "X.1", title="Nobody's action")
    return round_for(plan, MAR)


def test_home_page_email_and_chase_list_agree(plan, people, staffing, client_for):
    assert home_refs(client_for("lead")) == ["HR.1", "HR.3"]
    # HR.2 is still on the all-my-actions page, for the lead officer may write it, but it
    # is not counted as theirs.
    page = client_for("lead").get(reverse("plans:update_all", args=[plan.slug])).content
    assert "2 actions still need an update" in page.decode()
    assert f'name="a{plan.actions.get(ref="HR.2").pk}-status"' in page.decode()
    tasks.send_reminder.call(staffing.pk, people["lead"].pk, Reminder.Kind.OPENED)
    assert mail.outbox[0].subject.startswith("2 actions need your March 2024 update")
    chase = client_for("clerk").get(reverse("plans:chase", args=[plan.slug, 2024, 3]))
    rows = {
        str(owner.person or owner.post or "no lead officer"): [a.ref for a in owner.actions]
        for owner, _ in chase.context["owing"]
    }
    assert rows == {
        "lead": ["HR.1", "HR.3"],
        "Head of Finance": ["FIN.1"],
        "Payroll manager": ["HR.2"],
        "no lead officer": ["X.1"],
    }


def test_the_chase_list_names_vacant_posts_and_links_to_fix_them(plan, staffing, client_for):
    page = client_for("clerk").get(reverse("plans:chase", args=[plan.slug, 2024, 3]))
    html = page.content.decode()
    assert "5 actions still need an update" in html
    assert "Head of Finance<br>" in html and "Payroll manager<br>" in html
    assert html.count("Nobody holds this post") == 2
    assert "No lead officer" in html
    action = plan.actions.get(ref="X.1")
    assert reverse("admin:plans_action_change", args=[action.pk]) in html


def test_remind_everyone_says_who_was_emailed_and_who_could_not_be(
    plan, people, staffing, client_for
):
    people["lead"].first_name, people["lead"].last_name = "Dana", "Smith"
    people["lead"].save()
    sam = factories.user("sam", factories.roles.LEAD_OFFICER, ["Head of Housing"])
    sam.email = ""
    sam.save()
    factories.action(plan, "HOU.1", lead="Head of Housing")
    clerk = client_for("clerk")
    url = reverse("plans:remind", args=[plan.slug, 2024, 3])
    page = clerk.post(url, {}, follow=True).content.decode()
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]
    assert "1 reminder email on its way, to Dana Smith." in page
    assert "nobody holds the post Head of Finance (1 action)" in page
    assert "nobody holds the post Payroll manager (1 action)" in page
    assert "sam has no email address (1 action)" in page
    assert "1 action with no lead officer" in page
    page = clerk.post(url, {}, follow=True).content.decode()
    assert "No reminder emails were sent." in page
    assert "Dana Smith was chased already today" in page
    assert len(mail.outbox) == 1


def test_the_email_lists_one_line_per_action_with_its_due_date(plan, people):
    factories.action(
        plan,
        "HR.1",
        lead="Head of HR",
        title="Appraisals:\n- managers trained\n- forms online",
        due_text="Sep-24",
    )
    factories.action(plan, "HR.2", lead="Head of HR", title="Word " * 40)
    round_ = round_for(plan, MAR)
    tasks.send_reminder.call(round_.pk, people["lead"].pk, Reminder.Kind.OPENED)
    body = mail.outbox[0].body
    listed = [line for line in body.splitlines() if line.startswith("- ")]
    assert listed[0] == (
        "- HR.1 Appraisals: - managers trained - forms online – due Sep-24 (by 30 September 2024)"
    )
    assert listed[1].startswith("- HR.2 Word Word") and listed[1].endswith("… – no due date")
    assert len(listed[1]) < 120
    assert len(listed) == 2
    assert "2 actions still need an update for March 2024, due by 28 March 2024:" in body
