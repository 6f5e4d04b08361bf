from django.contrib import admin

from plans.models import CommunePlan, CycleTransition, Orientation, PlanCycle, PlanItem, PublicComment


class TransitionInline(admin.TabularInline):
    model = CycleTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_step", "to_step", "actor", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PlanCycle)
class PlanCycleAdmin(admin.ModelAdmin):
    """Read-mostly: steps move only through the API's transitions, so `step` is not editable here."""

    list_display = ["commune", "plan_year", "step"]
    list_filter = ["plan_year", "step"]
    readonly_fields = ["commune", "plan_year", "step", "created_by"]
    inlines = [TransitionInline]


@admin.register(CommunePlan)
class CommunePlanAdmin(admin.ModelAdmin):
    list_display = ["cycle", "number", "kind", "status"]
    list_filter = ["kind", "status"]
    readonly_fields = ["cycle", "number", "kind", "status", "based_on", "approved_at", "announced_at", "created_by"]


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "sector", "estimated_cost"]
    list_filter = ["sector"]
    readonly_fields = ["plan", "lineage", "proposals"]


admin.site.register(Orientation)


@admin.register(PublicComment)
class PublicCommentAdmin(admin.ModelAdmin):
    list_display = ["author_name", "plan", "status", "created_at"]
    list_filter = ["status"]
