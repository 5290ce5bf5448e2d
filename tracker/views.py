from urllib.parse import urlsplit

import axes.utils
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from plans.digests import my_committees
from plans.measures.values import owed_by
from plans.models import Plan
from plans.owing import due_for
from plans.summary import status_breakdown
from tracker import oidc, policy, roles, signin
from tracker.models import User


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # GOV.UK advises against autofocus: it skips screen reader users past the page.
        self.fields["username"].widget.attrs.pop("autofocus", None)


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the reset email within tracker/signin.py's limits. Beyond them nothing is sent,
    but the page is the same "check your email", so no one learns which accounts exist."""

    email_template_name = "registration/password_reset_email.txt"
    extra_email_context = {"service_name": settings.SERVICE_NAME}

    def form_valid(self, form):
        address = signin.client_address(self.request)
        if signin.may_send_reset(email=form.cleaned_data["email"], address=address):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password also ends any wait after failed sign-ins, as the page that
    shows the wait promises."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes.utils.reset(username=form.user.get_username())
        return response


class SignInView(oidc.SignInPage, auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        """The safe `next` address, unless it is this page, which would send someone signed
        in straight back here (Django refuses that loop with an error): then home."""
        url = super().get_redirect_url()
        return "" if urlsplit(url).path == self.request.path else url


@policy.rule("view")
@require_safe
def home(request):
    """Lead officers see their actions needing an update and the measures' figures they owe;
    councillors on committees their committees' position; everyone each plan's overview."""
    user = request.user
    lead = roles.has(user, roles.LEAD_OFFICER)
    due = due_for(user) if lead else []
    overviews = [(plan, *status_breakdown(plan)) for plan in Plan.objects.all()]
    return render(
        request,
        "home.html",
        {
            "due": due,
            "measures_due": owed_by(user) if lead else [],
            "overviews": overviews,
            "may_run": policy.may_run(user),
            **_committees_context(user),
        },
    )


def _committees_context(user):
    """The home page's "Your committees" block: those `user` chairs, vice-chairs or sits on."""
    committees = my_committees(user)
    return {
        "committees": committees,
        "committees_plans": len({pos.plan.pk for pos in committees}),
    }


@policy.rule("public")
@require_safe
def health(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def permission_denied(request, exception=None):
    """A signed-in person with no role (or deactivated) is refused everywhere, the home page
    too, so their page says whom to ask instead of linking home to the same refusal."""
    user = request.user
    if user.is_authenticated and not policy.may_view(user):
        return render(
            request,
            "no_role.html",
            {"contact": settings.ADMIN_CONTACT_EMAIL, "administrators": administrators()},
            status=403,
        )
    return render(request, "403.html", status=403)


def administrators():
    """The active administrators who have an email address, to ask for access."""
    return (
        User.objects.filter(is_active=True, groups__name=roles.ADMINISTRATOR)
        .exclude(email="")
        .distinct()
    )
