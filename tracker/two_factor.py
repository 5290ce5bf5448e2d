"""Two-factor authentication for people who sign in with a password, with django-otp.

Each person may have one authenticator app (a confirmed TOTP device) and one set of recovery
codes (a static device of single-use codes). Who is asked for a code is one rule,
`needs_second_factor`, applied as a person signs in (`on_sign_in`, connected in apps.py):
a session that owes a code carries policy.SECOND_STEP_OWED, and the policy sends it to the
code page from every other page until the code is given. Deciding at sign-in, not on every
request, keeps page loads free of a device query; a role given mid-session applies from the
next sign-in.

Wrong codes are throttled by django-otp per device (settings: OTP_*_THROTTLE_FACTOR).
"""

import base64
import logging
import math
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker import policy, roles

logger = logging.getLogger(__name__)

# The backends that check a password here. Any other (single sign-on) has the provider's own
# checks, and is not asked for our code.
PASSWORD_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend",
    "axes.backends.AxesStandaloneBackend",
}
REQUIRED_ROLES = (roles.ADMINISTRATOR, roles.PERFORMANCE_OFFICER)
RECOVERY_CODES = 10
# Recovery codes just made, kept in the session until the person says they have saved them.
NEW_CODES = "two_factor_new_codes"


def required_for(user):
    """Must this person use two-factor authentication (they may not turn it off)?"""
    return settings.TWO_FACTOR_REQUIRED and roles.has(user, *REQUIRED_ROLES)


def app_of(user):
    """The person's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def needs_second_factor(user, request):
    """Must this sign-in be followed by a code? Only a sign-in with a password, and then when
    the person has set up an app, or their role requires one (they will be asked to set it
    up)."""
    if request.session.get(BACKEND_SESSION_KEY) not in PASSWORD_BACKENDS:
        return False
    return required_for(user) or app_of(user) is not None


def on_sign_in(sender, request, user, **kwargs):
    if needs_second_factor(user, request):
        request.session[policy.SECOND_STEP_OWED] = True


def second_step_done(request):
    """The session is signed in fully, under a new session key as at any rise in privilege."""
    request.session.pop(policy.SECOND_STEP_OWED, None)
    request.session.cycle_key()


def new_recovery_codes(user):
    """Replace the person's recovery codes with RECOVERY_CODES new ones, and return them."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def wait_message(device):
    """What to say when `device` refuses tries for now, else None."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    seconds = max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))
    return f"Too many wrong codes. Wait {seconds} seconds, then enter a new code"


def normalised(code):
    return "".join(code.split()).lower()


def code_field(label, help_text, *, max_length, **attrs):
    """A box for a one-time code, as the browser and password managers expect one."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", **attrs}
        ),
    )


class CodeForm(forms.Form):
    """A 6-digit code from the person's app, or one of their recovery codes."""

    code = code_field(
        "Code",
        "The 6-digit code from your authenticator app, or one of your recovery codes.",
        max_length=20,
        autocapitalize="none",
        **{"class": "govuk-input--width-10"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        code = normalised(self.cleaned_data["code"])
        if code.isdigit():
            device = app_of(self.user)
        else:
            device = StaticDevice.objects.filter(user=self.user).first()
        if device is None:
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        if wait := wait_message(device):
            raise forms.ValidationError(wait)
        self.device = django_otp.verify_token(self.user, device.persistent_id, code)
        if self.device is None:
            raise forms.ValidationError(
                "The code is not right: enter the code your app shows now, or a recovery code"
            )
        return code


class SetUpForm(forms.Form):
    """The first code from a newly added app, proving it holds the secret."""

    code = code_field(
        "Code from your app",
        "Enter the 6-digit code your authenticator app shows for this service.",
        max_length=10,
        inputmode="numeric",
        **{"class": "govuk-input--width-5"},
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = normalised(self.cleaned_data["code"])
        if wait := wait_message(self.device):
            raise forms.ValidationError(wait)
        if not django_otp.verify_token(self.device.user, self.device.persistent_id, code):
            raise forms.ValidationError(
                "The code is not right: check the app shows this service, then enter the code it shows now"
            )
        return code


def next_url(request, default="home"):
    """The safe `next` address the person was going to, else `default`."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse(default)


def with_next(name, request):
    """A redirect to the page `name`, passing on where the person was going."""
    url = reverse(name)
    if nxt := request.POST.get("next") or request.GET.get("next"):
        url += "?" + urlencode({"next": nxt})
    return redirect(url)


def record(request, what):
    """Every change to a person's second factor is kept in the log: who, what, when."""
    logger.info("two-factor user=%s %s", request.user.get_username(), what)


@policy.rule("signing-in")
def verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if not policy.second_step_owed(request):
        return redirect(next_url(request))
    if app_of(request.user) is None:
        return with_next("two_factor_setup", request)
    form = CodeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        second_step_done(request)
        if isinstance(form.device, StaticDevice):
            left = form.device.token_set.count()
            record(request, f"signed in with a recovery code, {left} left")
            messages.info(
                request,
                f"You used a recovery code: {left} left. Get new ones from "
                "Two-factor authentication if you are running out.",
            )
        return redirect(next_url(request))
    return render(
        request,
        "registration/two_factor/verify.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


def qr_code(url):
    """The set-up address as a QR code: an SVG image in a data: address, which the page's
    content security policy allows."""
    svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def grouped(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@policy.rule("signing-in")
def set_up(request):
    """Add an authenticator app (or replace the one set up): scan the QR code or type the
    secret, then give the first code. A session owing its second step may only get here
    when it has no app yet: replacing one needs the code first."""
    user = request.user
    owed = policy.second_step_owed(request)
    if owed and app_of(user) is not None:
        return with_next("two_factor_verify", request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = SetUpForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session[NEW_CODES] = new_recovery_codes(user)
        record(request, "set up an authenticator app and new recovery codes")
        if owed:
            second_step_done(request)
        return with_next("two_factor_codes", request)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor/set_up.html",
        {
            "form": form,
            "qr_code": qr_code(device.config_url),
            "secret": grouped(secret),
            "required": required_for(user),
            "replacing": app_of(user) is not None,
            "owed": owed,
            "next": request.GET.get("next", ""),
        },
    )


@policy.rule("view")
def recovery_codes(request):
    """The new recovery codes, shown once: to read, print or download (?download) until the
    person says they have saved them."""
    codes = request.session.get(NEW_CODES)
    if not codes:
        return redirect("two_factor")
    if request.method == "POST":
        del request.session[NEW_CODES]
        return redirect(next_url(request, default="two_factor"))
    if "download" in request.GET:
        text = (
            f"Recovery codes for {settings.SERVICE_NAME}, {request.user.get_username()}\n"
            "Each code works once.\n\n" + "\n".join(codes) + "\n"
        )
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
        return response
    return render(
        request,
        "registration/two_factor/recovery_codes.html",
        {"codes": codes, "next": request.GET.get("next", "")},
    )


@policy.rule("view")
def manage(request):
    """The person's own two-factor page: set up or replace the app, get new recovery codes, or
    turn it off where their role does not require it."""
    user = request.user
    app = app_of(user)
    required = required_for(user)
    if request.method == "POST" and app is not None:
        if request.POST.get("change") == "codes":
            request.session[NEW_CODES] = new_recovery_codes(user)
            record(request, "made new recovery codes")
            return redirect("two_factor_codes")
        if request.POST.get("change") == "off" and not required:
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).delete()
                StaticDevice.objects.filter(user=user).delete()
            record(request, "turned two-factor authentication off")
            messages.success(request, "Two-factor authentication is off")
            return redirect("two_factor")
    codes = StaticToken.objects.filter(device__user=user).count() if app else 0
    return render(
        request,
        "registration/two_factor/manage.html",
        {"app": app, "codes_left": codes, "required": required},
    )
