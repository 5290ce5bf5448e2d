"""Limits on signing in and on password reset emails, by account and by client address.

django-axes records failed sign-ins; this module tells it who the client is behind the
reverse proxy, how long a username waits (a delay that grows with each further failure,
rather than an hour's hard lock that anyone could impose on anyone), and that one address
trying many usernames is stopped too. Password reset emails are limited per account and per
address, silently: the page a person sees is the same either way.
"""

import datetime
import ipaddress
import logging
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tracker.models import PasswordResetRequest

log = logging.getLogger(__name__)

LONGEST_WAIT = datetime.timedelta(minutes=15)
# A username's failures are forgotten a day after its last one (or at a success or a
# completed password reset); an address's count only for its last 15 minutes.
REMEMBERED = datetime.timedelta(days=1)
ADDRESS_WINDOW = datetime.timedelta(minutes=15)
RESET_WINDOW = datetime.timedelta(hours=1)


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address. Behind the reverse proxy (BEHIND_PROXY) that is the entry
    TRUSTED_PROXY_COUNT places from the right of X-Forwarded-For, the one our own proxy
    added; entries further left are whatever the client sent, so are never trusted."""
    remote = request.META.get("REMOTE_ADDR")
    if not settings.BEHIND_PROXY:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < settings.TRUSTED_PROXY_COUNT:
        return remote  # not through every proxy: only the connection itself is known
    candidate = hops[-settings.TRUSTED_PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        log.warning("X-Forwarded-For holds %r where a client address should be", candidate)
        return remote


def _recent(within, **lookup):
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - within, **lookup)


def _failures(within, **lookup) -> int:
    return _recent(within, **lookup).aggregate(n=Sum("failures_since_start"))["n"] or 0


def wait_after(failures: int) -> datetime.timedelta:
    """How long a username waits after its `failures`-th failure: 1 minute at the limit,
    doubling with each further one (2, 4, 8), never more than 15 minutes. Below the limit,
    how far back its failures count."""
    over = failures - settings.AXES_FAILURE_LIMIT
    if over < 0:
        return REMEMBERED
    return min(datetime.timedelta(minutes=2 ** min(over, 8)), LONGEST_WAIT)


def cool_off(request: HttpRequest) -> datetime.timedelta:
    """AXES_COOLOFF_TIME: the wait for the username being tried."""
    return wait_after(_failures(REMEMBERED, username=get_client_username(request)))


def address_blocked(address: str | None) -> bool:
    """Has `address` failed to sign in SIGN_IN_ADDRESS_LIMIT times in the last 15 minutes,
    whatever usernames it tried?"""
    if address is None:
        return False
    return _failures(ADDRESS_WINDOW, ip_address=address) >= settings.SIGN_IN_ADDRESS_LIMIT


class SignInHandler(AxesDatabaseHandler):
    """Axes' database handler, which locks a username (AXES_LOCKOUT_PARAMETERS), also
    locking an address that has failed too often with any usernames, and remembering a
    username's failures a day past its last, however short the wait they earned."""

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        if address_blocked(request.axes_ip_address):
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None:
            AccessAttemptExpiration.objects.filter(
                access_attempt__username=get_client_username(request, credentials)
            ).update(expires_at=timezone.now() + REMEMBERED)


def locked_out(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page saying why, and for how long, signing in is refused."""
    username = get_client_username(request, credentials)
    context = {"by_address": address_blocked(request.axes_ip_address), "minutes": None}
    last = _recent(REMEMBERED, username=username).aggregate(last=Max("attempt_time"))["last"]
    if last is not None:
        left = last + cool_off(request) - timezone.now()
        context["minutes"] = max(1, math.ceil(left.total_seconds() / 60))
    return render(request, "registration/locked_out.html", context, status=429)


@transaction.atomic
def may_send_reset(*, email: str, address: str | None) -> bool:
    """Record a password reset email about to go to `email`, requested from `address`, and
    say whether it may: at most PASSWORD_RESETS_PER_ACCOUNT to one address and
    PASSWORD_RESETS_PER_ADDRESS asked from one client in an hour."""
    since = timezone.now() - RESET_WINDOW
    PasswordResetRequest.objects.filter(requested_at__lt=since).delete()
    recent = PasswordResetRequest.objects.filter(requested_at__gte=since)
    email = email.strip().lower()
    if (
        recent.filter(email=email).count() >= settings.PASSWORD_RESETS_PER_ACCOUNT
        or recent.filter(address=address).count() >= settings.PASSWORD_RESETS_PER_ADDRESS
    ):
        log.warning(
            "Password reset email not sent: too many asked for %s or from %s", email, address
        )
        return False
    PasswordResetRequest.objects.create(email=email, address=address)
    return True
