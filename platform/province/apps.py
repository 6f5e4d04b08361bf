from django.apps import AppConfig


class ProvinceConfig(AppConfig):
    name = "province"
    verbose_name = "Tỉnh: so sánh và tổng hợp"

    def ready(self):
        """Subscribe to what the district apps announce (core.signals): both rollups follow in the writer's transaction; register the tile layers (geo.tiles)."""
        from core import signals
        from province import services
        from province.tiles import register_tile_layers

        signals.investment_changed.connect(services.on_investment_changed, dispatch_uid="province.investment_rollup")
        signals.cycle_changed.connect(services.on_cycle_changed, dispatch_uid="province.cycle_rollup")
        register_tile_layers()
