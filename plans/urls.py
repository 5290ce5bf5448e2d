from django.urls import path

from plans.views import browse

app_name = "plans"
urlpatterns = [
    path("", browse.plan_index, name="index"),
    path("<slug:slug>/", browse.tracker, name="tracker"),
    path("<slug:slug>/actions/<str:ref>/", browse.action_detail, name="action"),
]
