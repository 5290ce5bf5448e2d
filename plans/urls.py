from django.urls import include, path, register_converter

from plans.views import browse, bulk, email, rollover, rounds, sources, updates, workbooks


class RefConverter:
    """An action's ref: anything but a slash or a NUL, so an address holding a NUL is a 404
    here rather than an error from PostgreSQL, which keeps no NUL in text."""

    regex = r"[^/\x00]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RefConverter, "ref")

app_name = "plans"
urlpatterns = [
    path("", browse.plan_index, name="index"),
    # Before "<slug>/" so that "import" is never taken for a plan's slug.
    path("import/", workbooks.upload, name="import"),
    path("import/<int:pk>/", workbooks.job_detail, name="import_job"),
    path("import/<int:pk>/confirm/", workbooks.confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", workbooks.progress, name="import_progress"),
    path("delegate/", updates.delegate, name="delegate"),
    path("email-settings/", email.email_settings, name="email_settings"),
    path("<slug:slug>/", browse.tracker, name="tracker"),
    # Before "<slug>/actions/<ref>/" so that "change" is never taken for an action's ref.
    path("<slug:slug>/actions/change/", bulk.change, name="bulk_change"),
    path("<slug:slug>/actions/<ref:ref>/", browse.action_detail, name="action"),
    path("<slug:slug>/new-year/", rollover.rollover_plan, name="rollover"),
    path("<slug:slug>/actions/<ref:ref>/follow/", email.follow_action, name="follow_action"),
    path("<slug:slug>/themes/<int:pk>/follow/", email.follow_theme, name="follow_theme"),
    # Reading the plan (plans/views/browse.py).
    path("<slug:slug>/dashboard/", browse.dashboard, name="dashboard"),
    path("<slug:slug>/dashboard/<str:chart>.svg", browse.dashboard_chart, name="dashboard_chart"),
    path("<slug:slug>/committees/<slug:committee>/", browse.committee_detail, name="committee"),
    path("<slug:slug>/actions.xlsx", browse.export_actions, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<slug:slug>/actions.csv", browse.export_actions, {"fmt": "csv"}, name="export_csv"),
    path("<slug:slug>/plan.json", browse.export_json, name="export_json"),
    # Measures, their values and their imports (plans/measures/urls.py).
    path("<slug:slug>/measures/", include("plans.measures.urls")),
    # Sources and their recommendations (plans/views/sources.py).
    path("<slug:slug>/sources/", sources.source_list, name="sources"),
    path("<slug:slug>/sources/<int:pk>/", sources.source_detail, name="source"),
    path(
        "<slug:slug>/sources/<int:pk>/recommendations.xlsx",
        sources.source_export,
        {"fmt": "xlsx"},
        name="source_xlsx",
    ),
    path(
        "<slug:slug>/sources/<int:pk>/recommendations.csv",
        sources.source_export,
        {"fmt": "csv"},
        name="source_csv",
    ),
    # The monthly round: updates, evidence and sign-off (plans/views/updates.py).
    path(
        "<slug:slug>/actions/<ref:ref>/update/<int:year>/<int:month>/",
        updates.update_action,
        name="update",
    ),
    path(
        "<slug:slug>/actions/<ref:ref>/sign-off/<int:year>/<int:month>/",
        updates.review,
        name="review",
    ),
    path("<slug:slug>/my-updates/", updates.update_all, name="update_all"),
    path("<slug:slug>/sign-off/", updates.sign_off, name="sign_off"),
    path("<slug:slug>/evidence/<int:pk>/", updates.evidence_file, name="evidence"),
    # Running rounds (plans/views/rounds.py).
    path("<slug:slug>/rounds/", rounds.round_list, name="rounds"),
    path("<slug:slug>/rounds/open/", rounds.round_open, name="round_open"),
    path("<slug:slug>/rounds/<int:year>/<int:month>/", rounds.round_detail, name="round"),
    path(
        "<slug:slug>/rounds/<int:year>/<int:month>/extend/",
        rounds.round_extend,
        name="round_extend",
    ),
    path(
        "<slug:slug>/rounds/<int:year>/<int:month>/close/", rounds.round_close, name="round_close"
    ),
    path(
        "<slug:slug>/rounds/<int:year>/<int:month>/reopen/",
        rounds.round_reopen,
        name="round_reopen",
    ),
    path("<slug:slug>/rounds/<int:year>/<int:month>/chase/", rounds.chase, name="chase"),
    path(
        "<slug:slug>/rounds/<int:year>/<int:month>/digests/",
        email.send_digests,
        name="send_digests",
    ),
    path("<slug:slug>/rounds/<int:year>/<int:month>/chase/remind/", rounds.remind, name="remind"),
    path("<slug:slug>/workbook.xlsx", workbooks.download, name="workbook"),
]
