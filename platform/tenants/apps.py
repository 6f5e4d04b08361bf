from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Huyện (tenant)"

    def ready(self):
        from tenants.middleware import forget_public_tenant
        from tenants.models import District

        post_save.connect(forget_public_tenant, sender=District, dispatch_uid="tenants.forget_public_tenant_saved")
        post_delete.connect(forget_public_tenant, sender=District, dispatch_uid="tenants.forget_public_tenant_deleted")
