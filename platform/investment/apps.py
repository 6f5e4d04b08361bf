from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "investment"
    verbose_name = "Đầu tư công"

    def ready(self):
        """Register the district summary's counter (tenants.counters), the map layers (geo.layers) and the models accounts.access fetches."""
        from accounts.access import register_workflow_models
        from geo.layers import registry
        from investment import layers
        from investment.models import InvestmentProject, PublicInvestmentPlan, Review
        from investment.selectors import district_counts
        from tenants.counters import register_district_counter

        register_district_counter(district_counts)
        register_workflow_models(InvestmentProject, PublicInvestmentPlan, Review)
        for layer in (layers.projects, layers.reviews, layers.plan_items):
            registry.register(layer)
