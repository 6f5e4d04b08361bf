from django.contrib import admin

from tenants.models import District, DistrictDomain


class DomainInline(admin.TabularInline):
    model = DistrictDomain
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "schema_name", "created_on"]
    readonly_fields = ["schema_name"]
    inlines = [DomainInline]
