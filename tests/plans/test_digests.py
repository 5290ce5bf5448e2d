"""Committee digests (plans/digests.py): after a round closes, and when a performance officer
asks, the chair and vice-chair of each committee, and whoever opted in, get one email a
month with their committees' actions: what changed status, red and amber with their latest
signed-off words, what is overdue, and links."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from plans import rounds
from plans.models import Committee, Digest, EmailSettings, Round
from tests import factories
from tracker import roles

RED = "Significant issues / slippage"
JANUARY = datetime.date(2024, 1, 1)


@pytest.fixture
def committee(plan, people):
    """The councillor chairs the Audit Committee and "vice" is its vice-chair. In January one
    action slipped from green to red, one is amber and one, due December 2023, is overdue."""
    vice = factories.user("vice", roles.COUNCILLOR)
    audit = Committee.objects.create(
        name="Audit Committee", slug="audit", chair=people["councillor"], vice_chair=vice
    )
    slipped = factories.action(plan, "AU.1", title="Replace the ledger")
    factories.update(slipped, "2023-12", "On track")
    factories.update(slipped, "2024-01", RED, narrative="The supplier has withdrawn.")
    amber = factories.action(plan, "AU.2", title="Train the auditors")
    factories.update(amber, "2024-01", "Medium progress", narrative="Half are trained.")
    late = factories.action(plan, "AU.3", title="Publish the accounts", due_text="Dec-23")
    factories.update(late, "2024-01", "On track")
    audit.actions.add(slipped, amber, late)
    factories.action(plan, "OT.1", title="Someone else's")
    Round.objects.create(plan=plan, month=JANUARY, due=datetime.date(2024, 2, 9))
    return audit


def to(username):
    return [m for m in mail.outbox if m.to == [f"{username}@example.org"]]


def close(plan, people, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(datetime.datetime(2024, 2, 12, 9, tzinfo=datetime.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        rounds.close_round(round_=Round.objects.get(plan=plan), by=people["clerk"])


def test_closing_the_round_sends_the_chair_and_vice_chair_their_digest(
    plan, committee, people, django_capture_on_commit_callbacks
):
    close(plan, people, django_capture_on_commit_callbacks)
    [email] = to("councillor")
    assert len(to("vice")) == 1
    assert email.subject == "Corporate Plan 2024-28: your committee digest for January 2024"
    text = email.body
    assert "== Audit Committee ==" in text
    assert f"Slipped: AU.1 Replace the ledger – On track to {RED}" in text
    assert "The supplier has withdrawn." in text and "Half are trained." in text
    assert "Overdue on 12 February 2024:\n- AU.3 Publish the accounts – due Dec-23" in text
    assert "OT.1" not in text
    assert "/plans/corporate-plan/dashboard/?committee=" in text
    html, kind = email.alternatives[0]
    assert kind == "text/html"
    assert '<html lang="en-GB">' in html
    assert "<h2>Audit Committee</h2>" in html and "<h3>Overdue</h3>" in html
    assert '<th scope="col">Latest update</th>' in html
    assert f'href="{settings.SITE_URL}/plans/corporate-plan/actions/AU.1/"' in html
    assert Digest.objects.count() == 2


def test_a_re_run_sends_nothing_twice(plan, committee, people, django_capture_on_commit_callbacks):
    close(plan, people, django_capture_on_commit_callbacks)
    call_command("send_committee_digests", "--plan", plan.slug, "--month", "2024-01")
    call_command("send_committee_digests", "--plan", plan.slug)  # the latest closed round
    assert len(mail.outbox) == 2


def test_a_performance_officer_sends_them_from_the_round_page(plan, committee, client_for):
    client = client_for("clerk")
    page = client.get(reverse("plans:round", args=[plan.slug, 2024, 1])).content.decode()
    assert "Send the January 2024 committee digests now" in page
    response = client.post(reverse("plans:send_digests", args=[plan.slug, 2024, 1]))
    assert response.status_code == 302
    assert len(to("councillor")) == 1 and len(to("vice")) == 1
    client.post(reverse("plans:send_digests", args=[plan.slug, 2024, 1]))
    assert len(mail.outbox) == 2


def test_a_councillor_who_opts_in_gets_it(plan, committee, people):
    reader = factories.user("reader", roles.COUNCILLOR)
    EmailSettings.objects.create(user=reader, digest=True)
    factories.user("not_opted", roles.COUNCILLOR)
    call_command("send_committee_digests", "--plan", plan.slug, "--month", "2024-01")
    [email] = to("reader")
    assert "== Audit Committee ==" in email.body
    assert to("not_opted") == []


def test_no_chair_and_nobody_opted_in_means_none(plan, committee):
    committee.chair = committee.vice_chair = None
    committee.save()
    EmailSettings.objects.create(user=factories.user("off", roles.COUNCILLOR), digest=False)
    call_command("send_committee_digests", "--plan", plan.slug, "--month", "2024-01")
    assert mail.outbox == []


def test_words_awaiting_sign_off_are_not_in_the_digest(plan, committee, people):
    plan.updates_need_sign_off = True
    plan.save()
    factories.update(
        plan.actions.get(ref="AU.2"),
        "2024-01",
        RED,
        narrative="Draft: nobody is trained.",
        approval="submitted",
    )
    call_command("send_committee_digests", "--plan", plan.slug, "--month", "2024-01")
    [email] = to("councillor")
    assert "Draft: nobody is trained." not in email.body
    assert f"AU.2 Train the auditors – {RED}" not in email.body


def test_the_command_names_what_is_wrong(plan, committee):
    with pytest.raises(CommandError, match="--plan 'nope': no plan has that short name"):
        call_command("send_committee_digests", "--plan", "nope")
    with pytest.raises(CommandError, match="has no closed round yet"):
        call_command("send_committee_digests", "--plan", plan.slug)
    with pytest.raises(CommandError, match="give a month as YYYY-MM"):
        call_command("send_committee_digests", "--plan", plan.slug, "--month", "January")
