from django.apps import AppConfig
from django.db.models.signals import post_delete


class ProvinceConfig(AppConfig):
    name = "province"
    verbose_name = "Tỉnh: so sánh và tổng hợp"

    def ready(self):
        """Subscribe to what the district apps announce (core.signals): both rollups follow in the writer's transaction; register the province's layers (geo.layers) and tile layers (geo.tiles), and the publications' files (files.kinds)."""
        from accounts import access
        from core import signals
        from files.kinds import FileKind, register
        from geo.layers import registry
        from province import layers, services
        from province.tiles import register_tile_layers
        from tenants.backup import register_province_wide

        # The files of a department's publication belong to the province, like the department (the site backup).
        register_province_wide("province.publicationfile")
        signals.investment_changed.connect(services.on_investment_changed, dispatch_uid="province.investment_rollup")
        # A project deleted by any path (not only the services, which announce it) leaves the rollup too.
        post_delete.connect(services.on_project_deleted, sender="investment.InvestmentProject", dispatch_uid="province.project_deleted")
        signals.cycle_changed.connect(services.on_cycle_changed, dispatch_uid="province.cycle_rollup")
        for layer in (layers.district_distribution, layers.commune_distribution, layers.all_projects):
            registry.register(layer)
        register_tile_layers()
        # The files of the provincial departments' publications: read by whoever may read the publication, never public.
        register(FileKind(name="department-publications", model="province.PublicationFile", field="file", name_field="file_name",
                          may_read=lambda user, f: access.can_read_department_publication(user, f.publication),
                          is_public=lambda f: False, select_related=("publication",), in_public_schema=True))
