from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="index"),
    path("new/", views.report_new, name="new"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    # A report's page is its permanent HTML version once published; the PDF sits beside it.
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/report.pdf", views.report_pdf, name="pdf"),
    path("<int:pk>/report.docx", views.report_docx, name="docx"),
    path("<int:pk>/commentary/", views.report_commentary, name="commentary"),
    path("<int:pk>/cover/", views.report_cover, name="cover"),
    path("<int:pk>/words/history/", views.report_words_history, name="words_history"),
    path("<int:pk>/state/", views.report_state, name="state"),
    path("<int:pk>/build/", views.report_rebuild, name="rebuild"),
    path("<int:pk>/publish/", views.report_publish, name="publish"),
]
