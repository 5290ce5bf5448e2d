from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_index, name="index"),
    path("<slug:slug>/", views.tracker, name="tracker"),
    path("<slug:slug>/actions/<str:ref>/", views.action_detail, name="action"),
]
