from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Commune plans")

    def ready(self):
        """Register the upload kinds, the district summary's counter (tenants.counters), the map layers (geo.layers) and the models accounts.access fetches."""
        from accounts.access import register_workflow_models
        from geo.layers import registry
        from plans import layers
        from plans.file_kinds import register_kinds
        from plans.models import CommunePlan, DistrictFeedback, Orientation, PlanCycle, PlanItem, PublicComment, SocioEconomicTarget
        from plans.selectors import district_counts
        from tenants.counters import register_district_counter

        register_kinds()
        register_district_counter(district_counts)
        register_workflow_models(CommunePlan, DistrictFeedback, Orientation, PlanCycle, PlanItem, PublicComment, SocioEconomicTarget)
        registry.register(layers.plan_works)
        registry.register(layers.public_plan_works)
