"""Signing in: where it leads, and how failed attempts and password resets are limited."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests import factories
from tracker import signin


@pytest.mark.parametrize(
    "next_url", ["/sign-in/", "/sign-in/?next=/sign-in/", "http://testserver/sign-in/"]
)
def test_the_sign_in_page_sends_someone_signed_in_home_whatever_it_is_told(client_for, next_url):
    response = client_for("councillor").get("/sign-in/", {"next": next_url})
    assert response.status_code == 302 and response["Location"] == "/"


def test_signing_in_with_the_sign_in_page_as_next_goes_home(people):
    response = Client().post(
        "/sign-in/?next=/sign-in/", {"username": "councillor", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


# Failed sign-ins. Behind the proxy every request comes from its address (REMOTE_ADDR); the
# client's own is the last entry of X-Forwarded-For, which the proxy appends.
PROXY = "10.0.0.2"
ATTACKER = "203.0.113.9"
COUNCILLOR_AT_HOME = "198.51.100.7"
START = datetime.datetime(2024, 3, 4, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1


def attempt(username, password, client_ip=ATTACKER, forwarded=None):
    """A sign-in through the proxy from `client_ip` (the header may start with anything the
    client sent itself)."""
    header = ", ".join([*(forwarded or []), client_ip])
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header).post(
        reverse("login"), {"username": username, "password": password}
    )


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/"


def fail(times, username="councillor", client_ip=ATTACKER):
    for _ in range(times):
        attempt(username, "wrong", client_ip)


def test_a_username_waits_a_minute_after_five_failures_not_an_hour(people, behind_proxy):
    with time_machine.travel(START, tick=False) as clock:
        fail(5)
        refused = attempt("councillor", "correct-horse-battery", COUNCILLOR_AT_HOME)
        assert refused.status_code == 429
        assert "You can try again in 1 minute." in refused.content.decode()
        clock.shift(61)
        assert signed_in(attempt("councillor", "correct-horse-battery", COUNCILLOR_AT_HOME))


def test_each_further_failure_doubles_the_wait_up_to_fifteen_minutes(people, behind_proxy):
    waits = []
    with time_machine.travel(START, tick=False) as clock:
        fail(4)
        for _ in range(6):
            page = attempt("councillor", "wrong").content.decode()
            minutes = int(page.split("You can try again in ")[1].split(" minute")[0])
            waits.append(minutes)
            clock.shift(minutes * 60 - 1)
            assert attempt("councillor", "correct-horse-battery").status_code == 429
            clock.shift(2)
    assert waits == [1, 2, 4, 8, 15, 15]


def test_tries_while_waiting_do_not_make_the_wait_longer(people, behind_proxy):
    with time_machine.travel(START, tick=False) as clock:
        fail(5)
        fail(10)  # all refused without being counted
        clock.shift(61)
        assert signed_in(attempt("councillor", "correct-horse-battery"))


def test_one_address_trying_many_usernames_is_stopped_and_no_one_else(
    people, behind_proxy, settings
):
    settings.SIGN_IN_ADDRESS_LIMIT = 6
    with time_machine.travel(START, tick=False):
        for name in ["admin", "clerk", "lead", "councillor", "other_lead", "nobody"]:
            attempt(name, "wrong")
        stopped = attempt("clerk", "correct-horse-battery")
        assert stopped.status_code == 429
        assert "come from your network" in stopped.content.decode()
        # Everyone else comes through the same proxy, and is not held up.
        assert signed_in(attempt("clerk", "correct-horse-battery", COUNCILLOR_AT_HOME))


def test_an_address_the_client_writes_itself_is_not_believed(people, behind_proxy, settings):
    settings.SIGN_IN_ADDRESS_LIMIT = 3
    with time_machine.travel(START, tick=False):
        for number, name in enumerate(["admin", "clerk", "lead"]):
            Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, {ATTACKER}").post(
                reverse("login"), {"username": name, "password": "wrong"}
            )
        assert attempt("clerk", "correct-horse-battery").status_code == 429


@pytest.mark.parametrize(
    ("behind", "count", "meta", "expected"),
    [
        (False, 1, {"HTTP_X_FORWARDED_FOR": "192.0.2.1"}, PROXY),
        (True, 1, {"HTTP_X_FORWARDED_FOR": f"192.0.2.1, {ATTACKER}"}, ATTACKER),
        (True, 2, {"HTTP_X_FORWARDED_FOR": f"192.0.2.1, {ATTACKER}, 10.0.0.1"}, ATTACKER),
        (True, 2, {"HTTP_X_FORWARDED_FOR": ATTACKER}, PROXY),
        (True, 1, {"HTTP_X_FORWARDED_FOR": "not-an-address"}, PROXY),
        (True, 1, {}, PROXY),
    ],
)
def test_the_client_address(settings, rf, behind, count, meta, expected):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = behind, count
    assert signin.client_address(rf.get("/", REMOTE_ADDR=PROXY, **meta)) == expected


def reset_password(client, email, new_password):
    client.post(reverse("password_reset"), {"email": email})
    link = re.search(r"https?://[^/\s]+(/password/reset/\S+/)", mail.outbox[-1].body)[1]
    form = client.get(link, follow=True)
    return client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )


def test_a_completed_password_reset_ends_the_wait_as_the_page_says(people, behind_proxy):
    with time_machine.travel(START, tick=False):
        fail(9)  # a 15-minute wait
        page = attempt("councillor", "correct-horse-battery", COUNCILLOR_AT_HOME)
        assert (
            "once you have chosen a new one you can sign in straight away" in page.content.decode()
        )
        client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=COUNCILLOR_AT_HOME)
        done = reset_password(client, "councillor@example.org", "a-brand-new-passphrase")
        assert done.status_code == 302
        assert signed_in(attempt("councillor", "a-brand-new-passphrase", COUNCILLOR_AT_HOME))


# Password reset emails.


def ask_for_reset(email, client_ip=ATTACKER):
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip).post(
        reverse("password_reset"), {"email": email}
    )


def test_at_most_three_reset_emails_an_hour_go_to_one_account(people, behind_proxy):
    with time_machine.travel(START, tick=False) as clock:
        answers = [ask_for_reset("councillor@example.org") for _ in range(15)]
        assert len(mail.outbox) == 3
        # The same "check your email" page every time, so nothing is given away.
        assert {(a.status_code, a["Location"]) for a in answers} == {
            (302, reverse("password_reset_done"))
        }
        clock.shift(datetime.timedelta(hours=1, seconds=1))
        ask_for_reset("Councillor@Example.org")
        assert len(mail.outbox) == 4


def test_at_most_ten_reset_requests_an_hour_from_one_address(people, behind_proxy):
    for number in range(12):
        factories.user(f"officer{number}")
    with time_machine.travel(START, tick=False):
        for number in range(12):
            ask_for_reset(f"officer{number}@example.org")
        assert len(mail.outbox) == 10
        ask_for_reset("officer11@example.org", client_ip=COUNCILLOR_AT_HOME)
        assert len(mail.outbox) == 11
