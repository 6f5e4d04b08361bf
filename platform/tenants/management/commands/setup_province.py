import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.services import calendar_defaults_ensure
from geo.models import AdministrativeUnit
from geo.services import population_import
from tenants.services import district_provision, province_tenant_ensure

POPULATION = Path(__file__).resolve().parents[3] / "fixtures" / "bac-ninh" / "population_2019.csv"


class Command(BaseCommand):
    help = "Load Bắc Ninh's units and calendar, and provision the public tenant and every district tenant. Idempotent."

    def handle(self, *args, **options):
        call_command("load_admin_units", stdout=self.stdout)
        # The 2019 census where a unit has no population yet: a later `import_population` is kept.
        population_import(csv_path=POPULATION, overwrite=False)
        calendar_defaults_ensure()
        province = AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.PROVINCE, parent=None, is_current=True)
        province_tenant_ensure(province_unit=province)
        for unit in AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.DISTRICT, is_current=True).order_by("code"):
            started = time.perf_counter()
            district, created = district_provision(code=unit.code)
            if created:
                self.stdout.write(f"Provisioned {district.name} (/d/{district.slug}/, schema {district.schema_name}) in {time.perf_counter() - started:.2f} s")
        self.stdout.write("Province ready.")
