"""Single sign-on in a real browser against a real OpenID Connect provider (the npm package
oidc-provider, run by tests/e2e/oidc/provider.mjs on a free port): the sign-in page's button,
the provider's own sign-in, and home with the role the provider's claim maps to."""

import json
import os
import shutil
import subprocess

import pytest

from tests.e2e.conftest import ROOT, Checked, _free_port, screenshot
from tracker import oidc, roles
from tracker.models import SignInIdentity, User

PROVIDER = ROOT / "tests" / "e2e" / "oidc" / "provider.mjs"
ACCOUNTS = {
    "dana": {
        "name": "Dana Smith",
        "email": "dana.smith@council.example",
        "email_verified": True,
        "roles": ["tracker-clerk"],
    }
}


@pytest.fixture
def provider(live_server, settings):
    """The provider, and the tracker set up to use it, as docs/sign-in.md describes."""
    node = shutil.which("node")
    if not node or not (ROOT / "node_modules" / "oidc-provider").exists():
        pytest.skip("Single sign-on's browser test needs node and node_modules/oidc-provider")
    port = _free_port()
    process = subprocess.Popen(
        [node, str(PROVIDER), str(port), f"{live_server.url}/sign-in/oidc/callback/"],
        env={**os.environ, "OIDC_TEST_ACCOUNTS": json.dumps(ACCOUNTS)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    if "listening" not in process.stdout.readline():
        process.kill()
        pytest.fail("The OpenID provider did not start")
    settings.OIDC_ISSUER = f"http://localhost:{port}"
    settings.OIDC_RP_CLIENT_ID = "tracker"
    settings.OIDC_RP_CLIENT_SECRET = "tracker-test-secret"
    settings.OIDC_ROLE_CLAIM = "roles"
    settings.OIDC_ROLE_MAP = {"tracker-clerk": roles.PERFORMANCE_OFFICER}
    settings.OIDC_CREATE_USERS = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "tracker.oidc.Backend"]
    oidc.discovery.cache_clear()
    yield settings.OIDC_ISSUER
    process.kill()
    process.wait()
    oidc.discovery.cache_clear()


def test_signing_in_with_the_provider_lands_home_with_the_mapped_role(
    browser, live_server, html_checker, demo, provider
):
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    checked = Checked(context.new_page(), html_checker, "anonymous")
    page = checked.page
    checked.goto("/sign-in/")  # axe-core, the Nu checker and 320 px, with the button
    screenshot(page, "oidc-sign-in")
    page.get_by_role("button", name="Sign in with Microsoft").click()

    # The provider's own sign-in page.
    page.wait_for_url(f"{provider}/**")
    page.fill("input[name=login]", "dana")
    page.fill("input[name=password]", "anything")
    page.get_by_role("button", name="Sign-in").click()

    page.wait_for_url(f"{live_server.url}/")
    screenshot(page, "oidc-home")
    assert page.get_by_role("link", name="Update rounds and chasing").first.is_visible()
    assert page.get_by_role("link", name="Change password").count() == 0  # it has none
    dana = User.objects.get(sign_in_identities__tenant=provider, sign_in_identities__subject="dana")
    assert dana.get_full_name() == "Dana Smith"
    assert set(dana.groups.values_list("name", flat=True)) == {roles.PERFORMANCE_OFFICER}

    # Signing out ends the session here: home asks for a sign-in again.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")
    assert SignInIdentity.objects.get(user=dana).last_signed_in is not None
    context.close()


def test_the_sign_in_page_with_passwords_off_has_only_the_button(
    browser, live_server, html_checker, provider, settings, db
):
    settings.PASSWORD_SIGN_IN = False
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    checked = Checked(context.new_page(), html_checker, "anonymous")
    checked.goto("/sign-in/")
    assert checked.page.get_by_role("button", name="Sign in with Microsoft").is_visible()
    assert checked.page.locator("input[type=password]").count() == 0
    screenshot(checked.page, "oidc-sign-in-passwords-off")
    context.close()
