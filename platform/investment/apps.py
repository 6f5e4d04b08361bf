from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "investment"
    verbose_name = "Đầu tư công"

    def ready(self):
        """Register the district summary's counter (tenants.counters) and the models accounts.access fetches."""
        from accounts.access import register_workflow_models
        from investment.models import InvestmentProject, PublicInvestmentPlan, Review
        from investment.selectors import district_counts
        from tenants.counters import register_district_counter

        register_district_counter(district_counts)
        register_workflow_models(InvestmentProject, PublicInvestmentPlan, Review)
