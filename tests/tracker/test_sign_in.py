"""Signing in: where it leads, and how failed attempts and password resets are limited."""

import pytest
from django.test import Client


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
