from django.urls import path

from plans.views import browse, imports

app_name = "plans"
urlpatterns = [
    path("", browse.plan_index, name="index"),
    # Before "<slug>/" so that "import" is never taken for a plan's slug.
    path("import/", imports.upload, name="import"),
    path("import/<int:pk>/", imports.job_detail, name="import_job"),
    path("import/<int:pk>/confirm/", imports.confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", imports.progress, name="import_progress"),
    path("<slug:slug>/", browse.tracker, name="tracker"),
    path("<slug:slug>/actions/<str:ref>/", browse.action_detail, name="action"),
]
