from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "Đề xuất"

    def ready(self):
        """Register the upload kinds, the district summary's counter (tenants.counters), its map layers (geo.layers) and tile layer (geo.tiles), the models accounts.access fetches and the inbox source (core.inbox)."""
        from accounts.access import register_workflow_models
        from core.inbox import register_source
        from geo.layers import registry
        from proposals import inbox, layers
        from proposals.file_kinds import register_kinds
        from proposals.models import Proposal, VillageMeeting
        from proposals.selectors import district_counts
        from proposals.tiles import register_tile_layers
        from tenants.counters import register_district_counter

        register_kinds()
        register_district_counter(district_counts)
        register_workflow_models(Proposal, VillageMeeting)
        register_source("proposals.to_decide", inbox.proposals_to_decide)
        registry.register(layers.proposals)
        registry.register(layers.meetings)
        registry.register(layers.published_proposals)
        register_tile_layers()
