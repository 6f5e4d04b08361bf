from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Commune plans")

    def ready(self):
        """Register the upload kinds, the district summary's counter (tenants.counters), the map layers (geo.layers), the models accounts.access fetches and the inbox sources (core.inbox)."""
        from accounts.access import register_workflow_models
        from core.inbox import PROVINCE, register_source
        from geo.layers import registry
        from plans import inbox, layers
        from plans.file_kinds import register_kinds
        from plans.models import CommunePlan, DistrictFeedback, Orientation, PlanCycle, PlanItem, PublicComment, SocioEconomicTarget
        from plans.selectors import district_counts
        from tenants.counters import register_district_counter

        register_kinds()
        register_district_counter(district_counts)
        register_workflow_models(CommunePlan, DistrictFeedback, Orientation, PlanCycle, PlanItem, PublicComment, SocioEconomicTarget)
        for name in ("steps_due", "comments_to_answer", "feedback_to_answer", "approvals_pending", "resolutions_to_record"):
            register_source(f"plans.{name}", getattr(inbox, name))
        register_source("plans.department_publications", inbox.department_publications, level=PROVINCE)
        registry.register(layers.plan_works)
        registry.register(layers.public_plan_works)
