from django.urls import path

from plans.views import browse, workbooks

app_name = "plans"
urlpatterns = [
    path("", browse.plan_index, name="index"),
    # Before "<slug>/" so that "import" is never taken for a plan's slug.
    path("import/", workbooks.upload, name="import"),
    path("import/<int:pk>/", workbooks.job_detail, name="import_job"),
    path("import/<int:pk>/confirm/", workbooks.confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", workbooks.progress, name="import_progress"),
    path("<slug:slug>/", browse.tracker, name="tracker"),
    path("<slug:slug>/actions/<str:ref>/", browse.action_detail, name="action"),
    path("<slug:slug>/workbook.xlsx", workbooks.download, name="workbook"),
]
