from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import oidc, pages, policy, two_factor, views

public = policy.rule("public")
signed_in = policy.rule("view")

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("sign-in/", public(views.SignInView.as_view()), name="login"),
    path("sign-out/", public(auth_views.LogoutView.as_view()), name="logout"),
    # Single sign-on (tracker/oidc.py): the button, and the provider's redirect URI.
    path("sign-in/oidc/", public(oidc.Start.as_view()), name="oidc_authentication_init"),
    path(
        "sign-in/oidc/callback/",
        public(oidc.Callback.as_view()),
        name="oidc_authentication_callback",
    ),
    path(
        "password/change/",
        signed_in(oidc.passwords_only(auth_views.PasswordChangeView.as_view())),
        name="password_change",
    ),
    path(
        "password/change/done/",
        signed_in(oidc.passwords_only(auth_views.PasswordChangeDoneView.as_view())),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        public(oidc.passwords_only(views.PasswordResetView.as_view())),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        public(oidc.passwords_only(auth_views.PasswordResetDoneView.as_view())),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        public(oidc.passwords_only(views.PasswordResetConfirmView.as_view())),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        public(oidc.passwords_only(auth_views.PasswordResetCompleteView.as_view())),
        name="password_reset_complete",
    ),
    path("sign-in/code/", two_factor.verify, name="two_factor_verify"),
    path("account/two-factor/", two_factor.manage, name="two_factor"),
    path("account/two-factor/set-up/", two_factor.set_up, name="two_factor_setup"),
    path(
        "account/two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="two_factor_codes",
    ),
    path("plans/", include("plans.urls")),
    path("posts/", include("plans.posts_urls")),
    path("reports/", include("reports.urls")),
    # A plan's public page and the footer pages: no sign-in (plans/public, tracker/pages.py).
    path("public/", include("plans.public.urls")),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("help/", pages.help_page, name="help"),
    path("robots.txt", pages.robots, name="robots"),
    path("people/", include("tracker.people.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "tracker.views.permission_denied"
