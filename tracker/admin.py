from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from tracker.admin_site import ModelAdmin, TabularInline
from tracker.models import SignInIdentity, User


class SignInIdentityInline(TabularInline):
    """Who the person is at the single sign-on provider: made by their first sign-in, never
    typed; deleting one lets their next sign-in link the account afresh (tracker/oidc.py)."""

    model = SignInIdentity
    extra = 0
    fields = readonly_fields = ["tenant", "subject", "created_at", "last_signed_in"]
    verbose_name = "single sign-on identity"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    inlines = [SignInIdentityInline]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Signing and delegation", {"fields": ["initials", "delegate"]}),
    ]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["groups", "is_active"]


# The libraries' own admin classes (roles, sign-in limits, the task queue) ask the policy too;
# what they refuse themselves (adding sign-in records, changing a task's result) stays refused.
for model, library_admin in {
    Group: GroupAdmin,
    AccessAttempt: AccessAttemptAdmin,
    AccessLog: AccessLogAdmin,
    AccessFailureLog: AccessFailureLogAdmin,
    DBTaskResult: DBTaskResultAdmin,
    # Two-factor devices: an administrator removes a lost phone's (tracker/two_factor.py).
    TOTPDevice: TOTPDeviceAdmin,
}.items():
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, type(library_admin.__name__, (library_admin, ModelAdmin), {}))


class RecoveryCodesAdmin(StaticDeviceAdmin, ModelAdmin):
    inlines = []  # the codes are secrets: deleting the device is all an administrator needs


admin.site.unregister(StaticDevice)
admin.site.register(StaticDevice, RecoveryCodesAdmin)
