from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Theo dõi và đánh giá"

    def ready(self):
        """Add the approved M&E plan to the commune plan's Word document (core.signals.plan_document_built, Đ9); register the upload kinds, the district summary's counter, the map layers (geo.layers) and the inbox sources (core.inbox)."""
        from core import signals
        from core.inbox import register_source
        from geo.layers import registry
        from monitoring import documents, inbox, layers
        from monitoring.file_kinds import register_kinds
        from monitoring.selectors import district_counts
        from tenants.counters import register_district_counter

        signals.plan_document_built.connect(documents.me_plan_section_add, dispatch_uid="monitoring.me_plan_section")
        register_kinds()
        register_district_counter(district_counts)
        register_source("monitoring.reports_due", inbox.reports_due)
        register_source("monitoring.reports_to_review", inbox.reports_to_review)
        register_source("monitoring.council_evaluations_due", inbox.council_evaluations_due)
        registry.register(layers.evidence_photos)
        registry.register(layers.findings)
