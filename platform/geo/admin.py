from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from geo.models import AdministrativeUnit


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(LeafletGeoAdmin):
    list_display = ["code", "name", "level", "parent", "unit_type", "area_km2", "is_current", "is_demo"]
    list_filter = ["level", "is_current", "is_demo", "unit_type"]
    search_fields = ["code", "name", "name_short"]
    autocomplete_fields = ["parent", "merged_into"]
    ordering = ["code"]
