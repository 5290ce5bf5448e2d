"""Single sign-on with Microsoft Entra ID, or any OpenID Connect provider, by
mozilla-django-oidc.

The library runs the authorisation-code flow (state, nonce, PKCE, the ID token's signature);
this module adds what a council needs on top:
- the provider's endpoints come from OIDC_ISSUER's /.well-known/openid-configuration, read
  at the first sign-in and kept for the life of the process, never at start-up;
- the ID token's issuer and audience are checked, and for Entra ID its tenant (tid) must be
  one of OIDC_ALLOWED_TENANTS;
- a person is matched on their identity at the provider (Entra ID's tenant and object ids,
  tid and oid; anyone else's issuer and sub), kept in SignInIdentity, never on an email
  address alone: an email address only links an account that has no identity yet, and only
  when the provider vouches for it (an allowed Entra tenant, or email_verified);
- accounts are created only when OIDC_CREATE_USERS is on and the person holds a mapped role
  or an allowed group;
- with OIDC_ROLE_MAP set, the provider decides the four roles at every sign-in.
"""

import functools
import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import View
from mozilla_django_oidc import auth, views

from tracker import roles
from tracker.models import SignInIdentity, User

log = logging.getLogger(__name__)

UNREACHABLE = "Single sign-on is not answering just now. Try again in a few minutes."
REFUSED = (
    "Single sign-on did not let you in: your account is not set up to use this service. "
    "Ask an administrator for access."
)


@functools.lru_cache(maxsize=4)
def discovery(issuer: str) -> dict:
    """The provider's OpenID configuration, fetched once per process and issuer (a failed
    fetch is not kept, so the next sign-in tries again)."""
    response = requests.get(
        f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
    )
    response.raise_for_status()
    document = response.json()
    # Entra ID's multi-tenant endpoints name "{tenantid}" in place of the tenant.
    if "{tenantid}" not in document.get("issuer", "") and document.get("issuer") != issuer:
        raise SuspiciousOperation(
            f"OIDC_ISSUER is {issuer} but its configuration names {document.get('issuer')}"
        )
    return document


def endpoint(name: str) -> str | None:
    return discovery(settings.OIDC_ISSUER).get(name)


def configured() -> bool:
    return bool(settings.OIDC_ISSUER)


def claim(claims: dict, path: str) -> list[str]:
    """A claim's values as a list: "roles", or a dotted path such as Keycloak's
    "realm_access.roles"; a single string counts as one value."""
    value = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(item) for item in value]


def mapped_roles(claims: dict) -> set[str]:
    """The roles OIDC_ROLE_MAP gives the values of the person's OIDC_ROLE_CLAIM."""
    return {
        settings.OIDC_ROLE_MAP[value]
        for value in claim(claims, settings.OIDC_ROLE_CLAIM)
        if value in settings.OIDC_ROLE_MAP
    }


def in_allowed_group(claims: dict) -> bool:
    return bool(set(claim(claims, "groups")) & set(settings.OIDC_ALLOWED_GROUPS))


def identity(claims: dict) -> tuple[str, str]:
    """(tenant, subject) naming the person for good: Entra ID's tid and oid (oid is the same
    for every app in the tenant, and outlives changes of name and email), or else the issuer
    and sub, which OpenID Connect promises are never reassigned."""
    if claims.get("tid") and claims.get("oid"):
        return str(claims["tid"]), str(claims["oid"])
    return str(claims["iss"]), str(claims["sub"])


class Refused(SuspiciousOperation):
    """A sign-in the rules here refuse; the message says why, for the log."""


class Backend(auth.OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with endpoints from discovery and people matched on
    their identity at the provider. Django builds a backend for every request that loads a
    signed-in user, so nothing here is read from the provider until a sign-in needs it."""

    def __init__(self, *args, **kwargs):
        self.UserModel = User
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: endpoint("token_endpoint"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: endpoint("userinfo_endpoint"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: endpoint("jwks_uri"))

    def authenticate(self, request, **kwargs):
        if not configured():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """The library checks the signature, expiry and nonce; the issuer and audience are
        checked here, as OpenID Connect requires."""
        payload = super().verify_token(token, **kwargs)
        if "nonce" not in kwargs:
            return payload  # a signed userinfo answer, not the ID token
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience or []
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation(f"ID token for {audience}, not this service")
        expected = discovery(settings.OIDC_ISSUER)["issuer"]
        expected = expected.replace("{tenantid}", str(payload.get("tid", "")))
        if payload.get("iss") != expected:
            raise SuspiciousOperation(f"ID token from {payload.get('iss')}, not {expected}")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo endpoint's claims under the ID token's: Entra ID sends tid, oid,
        roles and groups only in the ID token, which is signed."""
        userinfo = {}
        if endpoint("userinfo_endpoint"):
            userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub", payload["sub"]) != payload["sub"]:
            raise SuspiciousOperation("userinfo is about someone else than the ID token")
        return {**userinfo, **payload}

    def verify_claims(self, claims):
        tenants = settings.OIDC_ALLOWED_TENANTS
        if tenants and claims.get("tid") not in tenants:
            raise Refused(f"tenant {claims.get('tid')} is not in OIDC_ALLOWED_TENANTS")
        if settings.OIDC_ALLOWED_GROUPS and not in_allowed_group(claims):
            raise Refused(f"{claims.get('sub')} is in none of OIDC_ALLOWED_GROUPS")
        return True

    def filter_users_by_claims(self, claims):
        tenant, subject = identity(claims)
        return User.objects.filter(
            sign_in_identities__tenant=tenant, sign_in_identities__subject=subject
        )

    @transaction.atomic
    def get_or_create_user(self, access_token, id_token, payload):
        """All or nothing: a refusal leaves no account, identity or role behind (the
        library logs why)."""
        return super().get_or_create_user(access_token, id_token, payload)

    def create_user(self, claims):
        """For someone the provider names for the first time: link the account with their
        vouched-for email address, or else create one, when allowed. Refuse anyone else."""
        tenant, subject = identity(claims)
        user = self.account_to_link(claims, tenant)
        if user is None:
            if not settings.OIDC_CREATE_USERS:
                raise Refused(f"no account for {subject} and OIDC_CREATE_USERS is off")
            if not (mapped_roles(claims) or in_allowed_group(claims)):
                raise Refused(f"{subject} holds no mapped role and no allowed group")
            user = User.objects.create_user(self.new_username(claims, subject))
            log.info("Single sign-on created the account %s", user.username)
        SignInIdentity.objects.create(user=user, tenant=tenant, subject=subject)
        return self.update_user(user, claims)

    @staticmethod
    def email(claims) -> str:
        """Entra ID sends the sign-in name (usually the email address) as preferred_username
        and the email claim only when the app asks for it."""
        email = claims.get("email") or ""
        if not email and claims.get("tid") and "@" in claims.get("preferred_username", ""):
            email = claims["preferred_username"]
        return email.strip()

    @staticmethod
    def vouched_email(claims) -> str:
        """The email address the provider vouches for, or "". For Entra ID, the sign-in name
        (preferred_username, the UPN) that the tenant's administrators set: the email claim
        is not checked by Entra (a guest's comes from anywhere). For others, email when
        marked email_verified."""
        if claims.get("tid"):
            upn = claims.get("preferred_username", "")
            return upn if "@" in upn else ""
        return claims.get("email", "") if claims.get("email_verified") is True else ""

    def account_to_link(self, claims, tenant) -> User | None:
        """The one existing account (made by an administrator or an import) with the email
        address the provider vouches for and no identity from this provider yet."""
        email = self.vouched_email(claims).strip()
        if not email:
            return None
        candidates = list(
            User.objects.filter(email__iexact=email).exclude(sign_in_identities__tenant=tenant)[:2]
        )
        return candidates[0] if len(candidates) == 1 else None

    @staticmethod
    def new_username(claims, subject) -> str:
        base = (claims.get("preferred_username") or claims.get("email") or subject)[:120]
        if not User.objects.filter(username=base).exists():
            return base
        return f"{base}-{subject[:20]}"

    def update_user(self, user, claims):
        """Names and email address as the provider has them now and, with OIDC_ROLE_MAP set,
        exactly the roles it maps."""
        given, family = claims.get("given_name", ""), claims.get("family_name", "")
        if not (given or family):
            given, _, family = claims.get("name", "").strip().rpartition(" ")
        user.first_name = (given or user.first_name)[:150]
        user.last_name = (family or user.last_name)[:150]
        user.email = self.email(claims) or user.email
        user.save(update_fields=["first_name", "last_name", "email"])
        if settings.OIDC_ROLE_MAP:
            set_roles(user, mapped_roles(claims))
        SignInIdentity.objects.filter(user=user, tenant=identity(claims)[0]).update(
            last_signed_in=timezone.now()
        )
        return user


def set_roles(user: User, wanted: set[str]) -> None:
    """Give `user` exactly the roles `wanted`, leaving any other groups alone, and log what
    changed."""
    held = set(user.groups.filter(name__in=roles.ALL).values_list("name", flat=True))
    if held == wanted:
        return
    user.groups.remove(*Group.objects.filter(name__in=held - wanted))
    user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in wanted - held))
    user.__dict__.pop("_role_names", None)
    log.info(
        "Single sign-on set the roles of %s: added %s, removed %s",
        user.username,
        sorted(wanted - held) or "none",
        sorted(held - wanted) or "none",
    )


def answering(view):
    """A view that talks to the provider, saying so on the sign-in page when it cannot."""

    @functools.wraps(view)
    def wrapper(self, request):
        if not configured():
            raise Http404("Single sign-on is not set up")
        try:
            return view(self, request)
        except requests.RequestException:
            log.exception("The single sign-on provider %s did not answer", settings.OIDC_ISSUER)
            messages.error(request, UNREACHABLE)
            return redirect("login")

    return wrapper


class Start(views.OIDCAuthenticationRequestView):
    """Sends the person to the provider (the "Sign in with Microsoft" button)."""

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    OIDC_OP_AUTH_ENDPOINT = property(lambda self: endpoint("authorization_endpoint"))

    @answering
    def get(self, request):
        return super().get(request)


class Callback(views.OIDCAuthenticationCallbackView):
    """Where the provider sends the person back. A refusal says so on the sign-in page."""

    @answering
    def get(self, request):
        return super().get(request)

    def login_failure(self):
        messages.error(self.request, REFUSED)
        return redirect("login")


def passwords_only(view):
    """For the password pages (change, reset): not there (404) when PASSWORD_SIGN_IN is off,
    so nobody sets a password that could never be used to sign in."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            raise Http404("Password sign-in is switched off")
        return view(request, *args, **kwargs)

    return wrapper


class SignInPage:
    """For the sign-in view: the single sign-on button, and password sign-in refused when
    PASSWORD_SIGN_IN is off (the form is not shown either)."""

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            raise PermissionDenied("Password sign-in is switched off")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "single_sign_on": settings.OIDC_BUTTON_LABEL if configured() else "",
            "password_sign_in": settings.PASSWORD_SIGN_IN,
        }
