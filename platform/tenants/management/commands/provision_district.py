import time

from django.core.management.base import BaseCommand, CommandError

from tenants.services import district_provision


class Command(BaseCommand):
    help = "Provision the tenant (schema, migrations, URL /d/<slug>/) of a district-level unit by its GSO code. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("code", help="GSO code of a district-level unit already loaded, e.g. 258")
        parser.add_argument("--slug", help="URL slug; default the unit's slug")

    def handle(self, *args, code, slug=None, **options):
        started = time.perf_counter()
        try:
            district, created = district_provision(code=code, slug=slug)
        except ValueError as exc:
            raise CommandError(str(exc))
        took = time.perf_counter() - started
        verb = "Provisioned" if created else "Already provisioned:"
        self.stdout.write(f"{verb} {district.name} as schema {district.schema_name} at /d/{district.slug}/ ({took:.2f} s)")
