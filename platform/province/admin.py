from django.contrib import admin

from province.models import StepDeadline


@admin.register(StepDeadline)
class StepDeadlineAdmin(admin.ModelAdmin):
    list_display = ["step", "day", "month", "from_plan_year", "note"]
    list_filter = ["step"]
