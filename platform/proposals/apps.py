from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "Đề xuất"

    def ready(self):
        """Register the upload kinds, the district summary's counter (tenants.counters), its map layers (geo.layers) and tile layer (geo.tiles), and the models accounts.access fetches."""
        from accounts.access import register_workflow_models
        from geo.layers import registry
        from proposals import layers
        from proposals.file_kinds import register_kinds
        from proposals.models import Proposal, VillageMeeting
        from proposals.selectors import district_counts
        from proposals.tiles import register_tile_layers
        from tenants.counters import register_district_counter

        register_kinds()
        register_district_counter(district_counts)
        register_workflow_models(Proposal, VillageMeeting)
        registry.register(layers.proposals)
        registry.register(layers.meetings)
        register_tile_layers()
