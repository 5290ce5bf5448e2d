from django.contrib import admin

from reports import models
from tracker.admin_site import ModelAdmin


@admin.register(models.Meeting)
class MeetingAdmin(ModelAdmin):
    list_display = ["committee", "date", "deadline"]
    list_filter = ["committee"]
    date_hierarchy = "date"


@admin.register(models.Report)
class ReportAdmin(ModelAdmin):
    """Reports are read here, never changed: the report pages are where clerks build and
    publish them, and a published report is the record of what went to committee."""

    list_display = ["__str__", "plan", "state", "created_at", "published_at"]
    list_filter = ["plan", "kind", "state"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
