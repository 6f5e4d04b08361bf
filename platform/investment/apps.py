from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "investment"
    verbose_name = "Đầu tư công"

    def ready(self):
        """Register the district summary's counter (tenants.counters)."""
        from investment.selectors import district_counts
        from tenants.counters import register_district_counter

        register_district_counter(district_counts)
