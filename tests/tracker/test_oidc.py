"""Single sign-on (tracker/oidc.py): who a sign-in finds or creates, the roles it gives, whom
it refuses, and the sign-in page with and without passwords.

A sign-in here runs the backend's whole code flow except the call to the provider's token
endpoint, which answers with an ID token signed by a key made for the test. The browser
journey against a real provider is tests/e2e/test_oidc.py.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse

from tracker import oidc, roles
from tracker.models import SignInIdentity, User

TENANT = "6f1c2b9e-0000-4000-8000-000000000001"
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"
CLIENT_ID = "tracker-app"
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/authorize",
    "token_endpoint": f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token",
    "jwks_uri": f"https://login.microsoftonline.com/{TENANT}/discovery/v2.0/keys",
}
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
real_discovery = oidc.discovery


@pytest.fixture
def sso(settings, monkeypatch):
    """Entra ID for one tenant, app roles mapped to two roles, accounts created."""
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "tests-only-not-a-secret"
    settings.OIDC_ROLE_CLAIM = "roles"
    settings.OIDC_ROLE_MAP = {
        "Tracker.Clerk": roles.PERFORMANCE_OFFICER,
        "Tracker.Member": roles.COUNCILLOR,
    }
    settings.OIDC_CREATE_USERS = True
    settings.OIDC_ALLOWED_TENANTS = [TENANT]
    settings.OIDC_ALLOWED_GROUPS = []
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "tracker.oidc.Backend"]
    monkeypatch.setattr(oidc, "discovery", lambda issuer: DISCOVERY)
    return settings


def id_token(**claims):
    now = datetime.datetime.now(datetime.UTC)
    payload = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + datetime.timedelta(minutes=5),
        "nonce": "nonce-1",
        "tid": TENANT,
        "oid": "oid-dana",
        "sub": "pairwise-sub-dana",
        "name": "Dana Smith",
        "preferred_username": "dana.smith@council.example",
        "roles": ["Tracker.Clerk"],
        **claims,
    }
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, KEY, "RS256")


def sign_in(**claims):
    """The user a sign-in with these ID token claims gets (None: refused). A claim given as
    None is left out."""
    backend = oidc.Backend()
    backend.OIDC_RP_IDP_SIGN_KEY = KEY.public_key()
    backend.get_token = lambda payload: {"id_token": id_token(**claims), "access_token": "a"}
    request = RequestFactory().get("/sign-in/oidc/callback/", {"code": "c", "state": "s"})
    request.session = {}
    return backend.authenticate(request, nonce="nonce-1", code_verifier="v" * 43)


def person(email, role=None):
    """An account an administrator made, before its first single sign-on."""
    user = User.objects.create_user("dsmith", email=email)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def role_names(user):
    return set(user.groups.values_list("name", flat=True))


# Matching: on Entra ID's tenant and object ids, never on the email address alone.


def test_a_first_sign_in_with_a_mapped_role_creates_the_account_with_it(sso, db):
    user = sign_in()
    assert user.get_full_name() == "Dana Smith" and user.email == "dana.smith@council.example"
    assert role_names(user) == {roles.PERFORMANCE_OFFICER}
    assert SignInIdentity.objects.get(user=user).subject == "oid-dana"


def test_the_next_sign_in_finds_the_same_account_after_a_change_of_name_and_email(sso, db):
    first = sign_in()
    again = sign_in(name="Dana Jones", preferred_username="dana.jones@council.example")
    assert again == first
    assert again.get_full_name() == "Dana Jones" and again.email == "dana.jones@council.example"
    assert User.objects.count() == 1


def test_someone_given_a_previous_holders_email_address_does_not_get_their_account(sso, db):
    leaver = sign_in()
    newcomer = sign_in(oid="oid-another-dana")
    assert newcomer is not None and newcomer != leaver
    assert User.objects.count() == 2


def test_an_account_an_administrator_made_is_linked_by_email_on_its_first_sign_in(sso, db):
    made = person("Dana.Smith@council.example", roles.LEAD_OFFICER)
    assert sign_in() == made
    # Linked now: a later sign-in finds it by the identity even with another address.
    assert sign_in(preferred_username="d.smith@council.example") == made


def test_an_entra_email_claim_alone_links_no_account(sso, db):
    made = person("dana.smith@council.example", roles.ADMINISTRATOR)
    # A guest's email claim is whatever their home directory says; their sign-in name is not.
    guest = sign_in(
        oid="oid-guest",
        email="dana.smith@council.example",
        preferred_username="dana_elsewhere.example#EXT#@council.onmicrosoft.com",
    )
    assert guest is not None and guest != made
    assert role_names(made) == {roles.ADMINISTRATOR} and not made.sign_in_identities.exists()


def test_an_account_is_linked_by_email_only_when_the_provider_vouches_for_it(sso, db, monkeypatch):
    sso.OIDC_ISSUER = "https://id.council.example/realms/staff"
    sso.OIDC_ALLOWED_TENANTS = []
    monkeypatch.setattr(oidc, "discovery", lambda issuer: {**DISCOVERY, "issuer": sso.OIDC_ISSUER})
    made = person("dana@council.example")
    generic = {"iss": sso.OIDC_ISSUER, "tid": None, "oid": None}

    unverified = sign_in(**generic, sub="kc-1", email="dana@council.example", email_verified=False)
    assert unverified is not None and unverified != made

    verified = sign_in(**generic, sub="kc-2", email="dana@council.example", email_verified=True)
    assert verified == made
    assert SignInIdentity.objects.get(user=made).tenant == sso.OIDC_ISSUER


# Creating accounts.


def test_no_account_is_created_while_creation_is_off(sso, db):
    sso.OIDC_CREATE_USERS = False
    assert sign_in() is None
    assert not User.objects.exists() and not SignInIdentity.objects.exists()


def test_no_account_is_created_for_someone_without_a_mapped_role(sso, db):
    assert sign_in(roles=["Tracker.Reader", "Other.App"]) is None
    assert not User.objects.exists()


def test_an_allowed_group_lets_someone_in_and_no_other_group_does(sso, db):
    sso.OIDC_ROLE_CLAIM = "groups"
    sso.OIDC_ROLE_MAP = {"group-clerks": roles.PERFORMANCE_OFFICER}
    sso.OIDC_ALLOWED_GROUPS = ["group-staff"]
    assert sign_in(groups=["group-clerks"]) is None  # mapped, but not in the allowed group
    user = sign_in(groups=["group-staff", "group-clerks"])
    assert role_names(user) == {roles.PERFORMANCE_OFFICER}
    # Leaving the allowed group ends their sign-ins, account and all.
    assert sign_in(groups=["group-clerks"]) is None


# Roles.


def test_each_sign_in_sets_exactly_the_mapped_roles_and_keeps_other_groups(sso, db):
    user = sign_in()
    user.groups.add(Group.objects.create(name="Newsletter"))
    user = sign_in(roles=["Tracker.Member"])
    assert role_names(user) == {roles.COUNCILLOR, "Newsletter"}
    user = sign_in(roles=[])
    assert role_names(user) == {"Newsletter"}


def test_without_a_role_map_the_roles_given_in_the_tracker_stay(sso, db):
    made = person("dana.smith@council.example", roles.ADMINISTRATOR)
    sso.OIDC_ROLE_MAP = {}
    assert role_names(sign_in(roles=["Tracker.Clerk"])) == {roles.ADMINISTRATOR}
    assert made.sign_in_identities.exists()


def test_a_nested_role_claim_such_as_keycloaks_is_read(sso, db):
    sso.OIDC_ROLE_CLAIM = "realm_access.roles"
    user = sign_in(roles=None, realm_access={"roles": ["Tracker.Member"]})
    assert role_names(user) == {roles.COUNCILLOR}


# Whom it refuses.


def test_another_tenant_is_refused_even_with_a_mapped_role(sso, db):
    assert sign_in(tid="99999999-0000-4000-8000-000000000009") is None
    assert not User.objects.exists()


def test_an_id_token_for_another_app_is_refused(sso, db):
    with pytest.raises(Exception, match="not this service"):
        sign_in(aud="someone-elses-app")


def test_an_id_token_from_another_issuer_is_refused(sso, db):
    with pytest.raises(Exception, match="not https://login.microsoftonline.com"):
        sign_in(iss="https://evil.example/v2.0")


def test_entras_multi_tenant_issuer_is_matched_to_the_tokens_tenant(sso, db, monkeypatch):
    common = "https://login.microsoftonline.com/{tenantid}/v2.0"
    monkeypatch.setattr(oidc, "discovery", lambda issuer: {**DISCOVERY, "issuer": common})
    assert sign_in() is not None
    with pytest.raises(Exception, match="not https://login.microsoftonline.com/other"):
        sign_in(tid="other")


def test_a_deactivated_person_cannot_sign_in(sso, db):
    user = sign_in()
    user.is_active = False
    user.save()
    # The callback, for a valid state, given the account the backend found.
    client = Client()
    session = client.session
    session["oidc_states"] = {"s": {"nonce": "n", "code_verifier": None}}
    session.save()
    with mock.patch("django.contrib.auth.authenticate", return_value=user):
        response = client.get("/sign-in/oidc/callback/", {"code": "c", "state": "s"})
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    assert "_auth_user_id" not in client.session


# The provider's configuration: read when first needed, then kept.


def test_the_configuration_is_fetched_once_and_must_name_its_issuer(monkeypatch, settings):
    settings.OIDC_TIMEOUT = 10
    asked = []

    class Answer:
        def __init__(self, document):
            self.document = document

        def raise_for_status(self):
            pass

        def json(self):
            return self.document

    def get(url, timeout):
        asked.append(url)
        issuer = url.removesuffix("/.well-known/openid-configuration")
        return Answer(
            {**DISCOVERY, "issuer": "https://elsewhere.example" if "bad" in url else issuer}
        )

    monkeypatch.setattr(oidc.requests, "get", get)
    real_discovery.cache_clear()
    assert real_discovery(ISSUER)["token_endpoint"] == DISCOVERY["token_endpoint"]
    real_discovery(ISSUER)
    assert asked == [f"{ISSUER}/.well-known/openid-configuration"]
    with pytest.raises(Exception, match="names https://elsewhere.example"):
        real_discovery("https://bad.example")
    real_discovery.cache_clear()


# The sign-in page.


def test_the_button_sends_the_person_to_the_provider_with_pkce(sso, db):
    response = Client().get("/sign-in/oidc/", {"next": "/plans/"})
    location = response["Location"]
    assert response.status_code == 302 and location.startswith(DISCOVERY["authorization_endpoint"])
    assert f"client_id={CLIENT_ID}" in location and "code_challenge=" in location
    assert "redirect_uri=http%3A%2F%2Ftestserver%2Fsign-in%2Foidc%2Fcallback%2F" in location


def test_the_sign_in_page_shows_the_button_with_its_label_and_the_password_form(sso, db):
    sso.OIDC_BUTTON_LABEL = "Sign in with your council account"
    page = Client().get("/sign-in/?next=/plans/").content.decode()
    assert 'href="/sign-in/oidc/?next=/plans/"' in page
    assert "Sign in with your council account" in page and 'name="password"' in page


def test_without_single_sign_on_there_is_no_button(db):
    page = Client().get("/sign-in/").content.decode()
    assert "/sign-in/oidc/" not in page and 'name="password"' in page


def test_a_refused_sign_in_says_so_on_the_sign_in_page(sso, db):
    client = Client()
    client.get("/sign-in/oidc/")  # a session with a state in it, as the button leaves
    response = client.get("/sign-in/oidc/callback/", {"error": "access_denied"}, follow=True)
    assert response.redirect_chain == [("/sign-in/", 302)]
    assert "Single sign-on did not let you in" in response.content.decode()


@pytest.fixture
def passwords_off(sso, people):
    sso.PASSWORD_SIGN_IN = False
    sso.AUTHENTICATION_BACKENDS = [
        b for b in sso.AUTHENTICATION_BACKENDS if not b.endswith("ModelBackend")
    ]


def test_with_password_sign_in_off_the_page_has_only_the_button(passwords_off):
    page = Client().get("/sign-in/").content.decode()
    assert "Sign in with Microsoft" in page
    assert 'name="password"' not in page and "Forgotten your password" not in page


def test_with_password_sign_in_off_a_correct_password_is_refused(passwords_off):
    client = Client()
    response = client.post("/sign-in/", {"username": "clerk", "password": "correct-horse-battery"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    # Nor does anything else that checks passwords (the admin's sign-in, scripts) accept one.
    request = RequestFactory().post("/sign-in/")
    assert authenticate(request, username="clerk", password="correct-horse-battery") is None


def test_with_password_sign_in_off_the_menu_offers_no_password_change(passwords_off, people):
    client = Client()
    client.force_login(people["clerk"], backend="tracker.oidc.Backend")
    assert "Change password" not in client.get("/").content.decode()


# Settings: a mistake stops start-up, naming it.


def settings_error(code="import tracker.settings", **env):
    """The last line of the error importing the settings with `env` ("" for none)."""
    answer = settings_answer(code, **env)
    return answer.stderr.strip().splitlines()[-1] if answer.returncode else ""


def settings_answer(code, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "PASSWORD_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**base, "SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
    )


def test_settings_refuse_what_would_lock_everyone_out_or_let_anyone_in():
    assert "PASSWORD_SIGN_IN=false needs OIDC_ISSUER" in settings_error(PASSWORD_SIGN_IN="false")
    assert "set OIDC_ALLOWED_TENANTS" in settings_error(
        OIDC_ISSUER="https://login.microsoftonline.com/organizations/v2.0",
        OIDC_CLIENT_ID="a",
        OIDC_CLIENT_SECRET="b",
    )
    assert "'Tracker.Admin=Admin' must be claim value=role" in settings_error(
        OIDC_ROLE_MAP="Tracker.Admin=Admin"
    )
    assert settings_error(OIDC_ROLE_MAP="Tracker.Admin = Administrator") == ""


def test_with_password_sign_in_off_only_single_sign_on_signs_anyone_in():
    answer = settings_answer(
        "from tracker.settings import AUTHENTICATION_BACKENDS; print(AUTHENTICATION_BACKENDS)",
        PASSWORD_SIGN_IN="false",
        OIDC_ISSUER=ISSUER,
        OIDC_CLIENT_ID="a",
        OIDC_CLIENT_SECRET="b",
    )
    assert "tracker.oidc.Backend" in answer.stdout, answer.stderr
    assert "ModelBackend" not in answer.stdout


def test_a_provider_not_answering_is_said_on_the_sign_in_page(sso, db, monkeypatch):
    def unreachable(issuer):
        raise oidc.requests.ConnectionError("no route to host")

    monkeypatch.setattr(oidc, "discovery", unreachable)
    response = Client().get("/sign-in/oidc/", follow=True)
    assert response.redirect_chain == [("/sign-in/", 302)]
    assert "Single sign-on is not answering just now" in response.content.decode()


def test_with_password_sign_in_off_the_password_pages_are_not_there(passwords_off, client_for):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert Client().get(reverse(name)).status_code == 404
    lead = client_for("lead")
    assert lead.get(reverse("password_change")).status_code == 404
    assert lead.post(reverse("password_change"), {"old_password": "x"}).status_code == 404
