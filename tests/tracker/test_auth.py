import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_signing_in_takes_you_home(people):
    client = Client()
    response = sign_in(client, "councillor", "correct-horse-battery")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_says_so_on_the_page(people):
    page = sign_in(Client(), "councillor", "wrong").content.decode()
    assert "govuk-error-summary" in page


def test_repeated_failed_sign_ins_lock_the_account_for_a_while(people):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "councillor", "wrong")
    response = sign_in(client, "councillor", "correct-horse-battery")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_signing_out_needs_a_post(people, client_for):
    client = client_for("councillor")
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("weak", ["short1!", "password1234", "123456789012", "councillor-example"])
def test_weak_passwords_are_refused(people, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=people["councillor"])


def test_password_reset_sends_an_email_with_a_link(people):
    Client().post(reverse("password_reset"), {"email": "councillor@example.org"})
    assert len(mail.outbox) == 1
    assert "/password/reset/" in mail.outbox[0].body
    assert "Someone, probably you, asked to reset the password" in mail.outbox[0].body


def test_sessions_expire(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60


def test_unknown_pages_get_the_service_404(people, client_for):
    response = client_for("councillor").get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_pages_carry_a_content_security_policy_without_unsafe_inline(people, client_for):
    response = client_for("councillor").get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
