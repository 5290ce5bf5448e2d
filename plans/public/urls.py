from django.urls import path
from django.views.decorators.http import require_safe

from plans.public import feeds, views
from tracker import policy

app_name = "public"
urlpatterns = [
    path("<slug:slug>/", views.plan_page, name="plan"),
    path("<slug:slug>/reports/<int:pk>.pdf", views.report_pdf, name="report_pdf"),
    path(
        "<slug:slug>/reports.atom",
        policy.rule("public")(require_safe(feeds.PublishedReports())),
        name="feed",
    ),
]
