from django.contrib import admin

from core.models import ReportingDeadline, StepDeadline


@admin.register(StepDeadline)
class StepDeadlineAdmin(admin.ModelAdmin):
    list_display = ["step", "day", "month", "from_plan_year", "note"]
    list_filter = ["step"]


@admin.register(ReportingDeadline)
class ReportingDeadlineAdmin(admin.ModelAdmin):
    list_display = ["kind", "village_days", "commune_days", "note"]
