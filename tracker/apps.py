from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Users and roles"
    default = True

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from tracker import two_factor

        # Whoever signs in with a password may owe a second factor (tracker/two_factor.py).
        user_logged_in.connect(two_factor.on_sign_in, dispatch_uid="two_factor.on_sign_in")


class TrackerAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with a site that asks the permission policy."""

    default = False
    default_site = "tracker.admin_site.AdminSite"
