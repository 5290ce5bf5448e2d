"""Browser journeys for committees: a chair reaches their committee's red actions in one
click from the home page; closing a round sends the chair their digest and a red turn sends
an alert (the captured emails are read, HTML and text parts); the home page with committees
and the email settings page pass axe-core, the Nu checker and reflow at 320 px."""

import re

from django.core import mail
from django.core.management import call_command

from plans.models import Action, Committee
from tests import factories
from tests.e2e.conftest import screenshot

RED = "Significant issues / slippage"
COMMITTEE = "corporate-policy-and-resources"


def turn_red(ref):
    """Give the demo action `ref` a red February update, as its officer might."""
    action = Action.objects.get(plan__slug="improvement-plan", ref=ref)
    factories.update(action, "2024-02", RED, narrative="The review has stalled.")
    return action


def test_a_chair_reaches_their_committees_red_actions_in_one_click(visit):
    turn_red("OC.C4.2")
    councillor = visit("councillor")
    councillor.goto("/")
    page = councillor.page
    assert page.get_by_role("heading", name="Corporate Policy and Resources Committee").count()
    screenshot(page, "home-committees")
    page.get_by_role("link", name=re.compile(r"^See its 1 red and 1 amber action")).click()
    page.wait_for_load_state()
    councillor.check()
    assert "rag=red" in page.url and "committee=" in page.url
    results = page.locator("main").inner_text()
    assert "OC.C4.2" in results and "OC.G1.3" in results
    assert "OC.A1.1" not in results  # not the committee's
    assert page.locator("#result-count").inner_text() == "2 actions match the filters"

    councillor.goto("/plans/email-settings/")
    page.get_by_label("Send me the monthly committee digest").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    councillor.check()
    assert "Your email settings are saved." in page.locator("main").inner_text()
    screenshot(page, "email-settings")


def test_closing_a_round_sends_the_digest_and_a_red_turn_an_alert(visit):
    committee = Committee.objects.get(slug=COMMITTEE)
    turn_red("OC.C4.2")
    mail.outbox.clear()
    clerk = visit("clerk")
    clerk.goto("/plans/improvement-plan/rounds/2024/2/")
    page = clerk.page
    page.get_by_role("button", name="Close the round").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Close the round").click()
    page.wait_for_load_state()
    assert "round is closed" in page.locator("main").inner_text()

    [digest] = [m for m in mail.outbox if m.to == [committee.chair.email]]
    assert "February 2024" in digest.subject
    assert "== Corporate Policy and Resources Committee ==" in digest.body
    assert "OC.C4.2 Compile insight" in digest.body and "The review has stalled." in digest.body
    html, kind = digest.alternatives[0]
    assert kind == "text/html" and '<html lang="en-GB">' in html
    assert "<h2>Corporate Policy and Resources Committee</h2>" in html

    mail.outbox.clear()
    call_command("send_alerts")
    director = Action.objects.get(ref="OC.C4.2").director.holders.first()
    told = {address for m in mail.outbox for address in m.to}
    assert factories.User.objects.get(username="clerk").email in told
    if director is not None and director.email:
        assert director.email in told
    alert = next(
        m for m in mail.outbox if m.to == [factories.User.objects.get(username="clerk").email]
    )
    assert "OC.C4.2" in alert.body and f"Turned red: {RED}" in alert.body
    assert "OC.C4.2" in alert.alternatives[0][0]
