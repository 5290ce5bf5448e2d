from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import policy, views

public = policy.rule("public")
signed_in = policy.rule("view")

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("sign-in/", public(views.SignInView.as_view()), name="login"),
    path("sign-out/", public(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "password/change/",
        signed_in(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "password/change/done/",
        signed_in(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        public(views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        public(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        public(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        public(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("plans/", include("plans.urls")),
    path("reports/", include("reports.urls")),
    path("people/", include("tracker.people.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "tracker.views.permission_denied"
