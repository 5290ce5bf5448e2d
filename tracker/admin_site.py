"""The Django admin, asking the one permission policy instead of is_staff and model perms."""

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models

from tracker import policy


class AdminSite(admin.AdminSite):
    site_header = "Action tracker administration"
    site_title = "Action tracker admin"

    def has_permission(self, request):
        return policy.may_manage(request.user)

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(view)
        def inner(request, *args, **kwargs):
            if request.user.is_authenticated and policy.second_step_owed(request):
                return policy.to_second_step(request)
            # Someone signed in without the right gets a plain refusal, not a loop back to
            # the sign-in page.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return checked(request, *args, **kwargs)

        return inner

    def login(self, request, extra_context=None):
        # One sign-in page for the whole service.
        return redirect_to_login(request.GET.get("next", "/admin/"))


class PolicyAdmin:
    """Administrators may do everything the admin offers; nobody else gets in. Every admin class
    and inline asks through this, never Django's model permissions (which nobody is given); a
    class offering less (a record kept elsewhere) overrides a method to say no."""

    def has_module_permission(self, request):
        return policy.may_manage(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.may_manage(request.user, obj)

    def has_add_permission(self, request, *args):
        return policy.may_manage(request.user)

    def has_change_permission(self, request, obj=None):
        return policy.may_manage(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return policy.may_manage(request.user, obj)


class ModelAdmin(PolicyAdmin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class TabularInline(PolicyAdmin, admin.TabularInline):
    pass


class StackedInline(PolicyAdmin, admin.StackedInline):
    pass
