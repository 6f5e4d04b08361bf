from django.contrib import admin

from monitoring.models import MEPlan, ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["kind", "year", "number", "starts_on", "ends_on", "village_due_on", "commune_due_on"]
    list_filter = ["kind", "year"]


@admin.register(MEPlan)
class MEPlanAdmin(admin.ModelAdmin):
    list_display = ["commune", "year", "status", "approved_at"]
    readonly_fields = ["plan", "commune", "year", "status", "approved_by", "approved_at", "created_by"]
