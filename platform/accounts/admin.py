from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Department, DepartmentPublication, SectorOffice, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "unit", "is_active", "is_demo"]
    list_filter = ["role", "is_active", "is_demo"]
    search_fields = ["username", "first_name", "last_name", "unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    # Issue 14: a commune unit's account names its unit (an id in the district schema), a sector office's its
    # office, a department's its department (User.clean checks that each role has exactly what it needs).
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Vai trò / Role", {"fields": ("role", "unit", "commune_unit_id", "sector_office", "department", "is_demo")}),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(SectorOffice)
class SectorOfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "district"]
    list_filter = ["district"]
    search_fields = ["code", "name"]


@admin.register(DepartmentPublication)
class DepartmentPublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "plan_year", "kind", "published_at"]
    list_filter = ["department", "plan_year", "kind"]
