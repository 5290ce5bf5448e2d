"""The footer's pages and links, the phase banner's feedback link, and robots.txt: read signed
out, and pointing where the environment says."""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.tracker.test_settings import run
from tracker.pages import CHECKED_PAGES


def get(name):
    return Client().get(reverse(name))


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("accessibility", "Accessibility statement for"),
        ("privacy", "Privacy notice"),
        ("help", "Help and contact"),
    ],
)
def test_footer_pages_are_read_signed_out(db, name, heading):
    response = get(name)
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-xl">{heading}' in response.text


@override_settings(
    ORGANISATION_NAME="Example Borough Council", ACCESSIBILITY_CONTACT="a11y@example.gov.uk"
)
def test_the_accessibility_statement_names_the_council_its_contact_and_how_we_tested(db):
    text = get("accessibility").text
    assert "This website is run by Example Borough Council." in text
    assert 'href="mailto:a11y@example.gov.uk"' in text
    assert "Equality Advisory and Support Service" in text
    assert "axe-core" in text and "Nu HTML checker" in text and "320 pixels" in text
    for name, _, _ in CHECKED_PAGES:
        assert f"<li>{name}</li>" in text


@override_settings(AXES_FAILURE_LIMIT=7)
def test_the_help_page_says_how_many_tries_a_sign_in_allows(db):
    assert "After 7 failed tries in a row" in get("help").text


def test_the_privacy_notice_says_what_the_service_keeps(db):
    text = get("privacy").text
    assert "data controller" in text
    assert f"{settings.IMPORT_RETENTION_HOURS} hours" in text


def test_every_page_links_to_the_footer_pages_and_asks_for_feedback(db):
    text = Client().get(reverse("login")).text
    for name in ("help", "accessibility", "privacy"):
        assert f'class="govuk-footer__link" href="{reverse(name)}"' in text
    words = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    assert "This is a new service. Your feedback will help us improve it." in words.replace(
        " .", "."
    )
    assert f'<a class="govuk-link" href="{reverse("help")}">feedback</a>' in text


@override_settings(
    FEEDBACK_URL="https://forms.example.gov.uk/tracker",
    HELP_URL="https://intranet.example.gov.uk/tracker-help",
    PRIVACY_NOTICE_URL="https://www.example.gov.uk/privacy",
    CONTACT_EMAIL="performance@example.gov.uk",
)
def test_the_links_go_where_the_environment_says(db):
    text = Client().get(reverse("login")).text
    assert 'href="https://forms.example.gov.uk/tracker">feedback</a>' in text
    assert 'href="https://intranet.example.gov.uk/tracker-help">Help</a>' in text
    assert 'href="https://www.example.gov.uk/privacy">Privacy</a>' in text
    assert 'href="mailto:performance@example.gov.uk">Contact</a>' in text
    assert get("privacy")["Location"] == "https://www.example.gov.uk/privacy"
    assert get("help")["Location"] == "https://intranet.example.gov.uk/tracker-help"


@override_settings(CONTACT_EMAIL="performance@example.gov.uk")
def test_feedback_goes_to_the_contact_address_when_no_form_is_set(db):
    text = Client().get(reverse("login")).text
    assert 'href="mailto:performance@example.gov.uk">feedback</a>' in text


def test_a_malformed_link_stops_start_up_naming_it():
    answer = run(
        "import tracker.wsgi",
        DJANGO_SETTINGS_MODULE="tracker.settings",
        SECRET_KEY="x",
        FEEDBACK_URL="javascript:alert(1)",
    )
    assert "FEEDBACK_URL must start with https://, http:// or mailto:" in answer.stderr


def test_robots_may_read_the_public_pages_only(db):
    response = get("robots")
    assert response["Content-Type"].startswith("text/plain")
    assert response.text.splitlines() == ["User-agent: *", "Allow: /public/", "Disallow: /"]
