import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.services import calendar_defaults_ensure
from geo.models import AdministrativeUnit
from tenants.services import district_provision, province_tenant_ensure


class Command(BaseCommand):
    help = "Load Bắc Ninh's units and calendar, and provision the public tenant and every district tenant. Idempotent."

    def handle(self, *args, **options):
        call_command("load_admin_units", stdout=self.stdout)
        calendar_defaults_ensure()
        province = AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.PROVINCE, parent=None, is_current=True)
        province_tenant_ensure(province_unit=province)
        for unit in AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.DISTRICT, is_current=True).order_by("code"):
            started = time.perf_counter()
            district, created = district_provision(code=unit.code)
            if created:
                self.stdout.write(f"Provisioned {district.name} (/d/{district.slug}/, schema {district.schema_name}) in {time.perf_counter() - started:.2f} s")
        self.stdout.write("Province ready.")
