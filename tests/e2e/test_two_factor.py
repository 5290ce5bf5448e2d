"""Two-factor authentication in the browser: the demo administrator sets up an authenticator
app (the test is the app, computing codes from the key the page shows), signs in again with a
code, and a recovery code works once. Every page is checked (axe-core, Nu, 320 px)."""

import base64
import re
from urllib.parse import urlsplit

from django_otp.oath import TOTP

from tests.e2e.conftest import DEMO_PASSWORD


class App:
    """The authenticator app: codes from the key the set-up page shows. Like a real app that
    waits for a fresh code, it never repeats one: each code is accepted once."""

    def __init__(self, key):
        self.key = key
        self.used = -1

    def code(self):
        now = TOTP(self.key).t()
        step = max(self.used + 1, now)  # the next step is still accepted (one step's leeway)
        self.used = step
        return f"{TOTP(self.key, drift=step - now).token():06d}"


def sign_in(checked, username):
    page = checked.page
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(checked):
    checked.page.get_by_role("button", name="Sign out").click()
    checked.page.wait_for_load_state()


def enter_code(checked, code):
    checked.page.fill("#id_code", code)
    checked.page.get_by_role("button", name="Continue").click()
    checked.page.wait_for_load_state()


def test_an_administrator_sets_up_an_app_and_signs_in_with_its_codes(visit, settings):
    settings.TWO_FACTOR_REQUIRED = True
    admin = visit(None)
    page = admin.page
    sign_in(admin, "admin")
    assert "/account/two-factor/set-up/" in page.url
    admin.check()

    page.get_by_text("I cannot scan the QR code").click()
    app = App(
        base64.b32decode(page.locator(".govuk-details__text code").inner_text().replace(" ", ""))
    )
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    enter_code(admin, app.code())
    assert page.get_by_role("heading", name="Save your recovery codes").is_visible()
    admin.check()
    codes = page.locator("main li code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("button", name="I have saved my recovery codes").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/"

    sign_out(admin)
    sign_in(admin, "admin")
    assert page.get_by_role("heading", name="Enter the 6-digit code").is_visible()
    admin.check()
    enter_code(admin, app.code())
    assert urlsplit(page.url).path == "/"
    admin.goto("/account/two-factor/")
    assert page.get_by_text("10 left").is_visible()

    # A recovery code instead of the app's: once.
    sign_out(admin)
    sign_in(admin, "admin")
    enter_code(admin, codes[0])
    assert urlsplit(page.url).path == "/"
    admin.check()
    admin.goto("/account/two-factor/")
    assert page.get_by_text("9 left").is_visible()
    sign_out(admin)
    sign_in(admin, "admin")
    enter_code(admin, codes[0])
    assert page.get_by_text("The code is not right").first.is_visible()
    admin.check()
