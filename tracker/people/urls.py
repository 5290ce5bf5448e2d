from django.urls import path

from tracker import policy
from tracker.people import views

app_name = "people"

urlpatterns = [
    path("", views.people, name="list"),
    path("add/", views.add, name="add"),
    path("import/", views.import_people, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("invite/", views.invite, name="invite"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path(
        "welcome/<uidb64>/<token>/",
        policy.rule("public")(views.AcceptView.as_view()),
        name="accept",
    ),
]
