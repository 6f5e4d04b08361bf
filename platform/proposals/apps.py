from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "Đề xuất"

    def ready(self):
        """Register the upload kinds and the district summary's counter (tenants.counters)."""
        from proposals.file_kinds import register_kinds
        from proposals.selectors import district_counts
        from tenants.counters import register_district_counter

        register_kinds()
        register_district_counter(district_counts)
