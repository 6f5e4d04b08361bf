from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "unit", "is_active", "is_demo"]
    list_filter = ["role", "is_active", "is_demo"]
    search_fields = ["username", "first_name", "last_name", "unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    fieldsets = BaseUserAdmin.fieldsets + (("Vai trò / Role", {"fields": ("role", "unit", "is_demo")}),)
