from pathlib import Path

from django.core.management.base import BaseCommand

from geo.services import reference_units_load

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "bac-ninh"


class Command(BaseCommand):
    help = "Load the province, its districts and communes (GSO codes, names, boundaries). Idempotent; --refresh overwrites existing units from the files."

    def add_arguments(self, parser):
        parser.add_argument("--geojson", default=str(FIXTURES / "boundaries.geojson"))
        parser.add_argument("--csv", default=str(FIXTURES / "admin_units.csv"))
        parser.add_argument("--refresh", action="store_true", help="overwrite existing units (names, boundaries) from the files")

    def handle(self, *args, **options):
        result = reference_units_load(geojson_path=Path(options["geojson"]), csv_path=Path(options["csv"]), refresh=options["refresh"])
        self.stdout.write(f"Administrative units: {result['created']} created, {result['updated']} refreshed.")
