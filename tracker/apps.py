from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Users and roles"
    default = True


class TrackerAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with a site that asks the permission policy."""

    default = False
    default_site = "tracker.admin_site.AdminSite"
