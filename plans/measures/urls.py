"""Addresses under /plans/<slug>/measures/; included by plans/urls.py, so the names stay in
the "plans" namespace (plans:measures, plans:measure, ...)."""

from django.urls import path

from plans.measures import import_views, views

urlpatterns = [
    path("", views.measure_list, name="measures"),
    path("ratings.svg", views.scorecard_chart, name="measures_chart"),
    path("<int:pk>/", views.measure_detail, name="measure"),
    path("<int:pk>/<str:chart>.svg", views.measure_chart, name="measure_chart"),
    path(
        "<int:pk>/values/<int:year>/<int:month>/",
        views.measure_value,
        name="measure_value",
    ),
    path("import/", import_views.upload, name="measure_import"),
    path("import/<int:pk>/", import_views.job_detail, name="measure_import_job"),
    path("import/<int:pk>/confirm/", import_views.confirm, name="measure_import_confirm"),
]
