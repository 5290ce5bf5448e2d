from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from tracker.admin_site import ModelAdmin
from tracker.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Signing and delegation", {"fields": ["initials", "delegate"]}),
    ]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["groups", "is_active"]
