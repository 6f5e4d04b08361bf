"""Recompute the province's investment rollup from the district schemas (after a restore, an import, or a bulk fix)."""
import time

from django.core.management.base import BaseCommand, CommandError

from province.services import rollup_rebuild
from tenants.models import District


class Command(BaseCommand):
    help = "Recompute the province investment rollup of one district (GSO code or slug) or of every district."

    def add_arguments(self, parser):
        parser.add_argument("district", nargs="*", help="district GSO codes or slugs (default: all)")

    def handle(self, *args, district, **options):
        districts = District.objects.exclude(schema_name="public").select_related("unit").order_by("unit__code")
        if district:
            chosen = [d for d in districts if d.unit.code in district or d.slug in district]
            unknown = set(district) - {d.unit.code for d in chosen} - {d.slug for d in chosen}
            if unknown:
                raise CommandError(f"no such district: {', '.join(sorted(unknown))}")
            districts = chosen
        started = time.perf_counter()
        count = rollup_rebuild(districts=districts)
        self.stdout.write(f"rollup rebuilt for {count} district(s) in {time.perf_counter() - started:.2f} s")
