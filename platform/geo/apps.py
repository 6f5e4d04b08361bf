from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = "Địa giới hành chính"

    def ready(self):
        """Register the administrative-unit layers (provinces, districts, communes, villages) in geo.layers."""
        from geo.unit_layers import register_admin_unit_layers

        register_admin_unit_layers()
