from django.core.management.base import BaseCommand, CommandError

from geo.models import AdministrativeUnit
from geo.services import boundaries_import


class Command(BaseCommand):
    help = (
        "Import unit boundaries from GeoJSON, a zipped Shapefile (.zip) or a GeoPackage through GDAL, "
        "matching units by code and reporting what did not match. With --create and --level, unknown "
        "codes become new units (e.g. real villages) under the unit named in --parent-field."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--code-field", default="code", help="attribute holding the GSO code (text, leading zeros kept)")
        parser.add_argument("--layer", default=None, help="layer name or index (GeoPackage); default the first")
        parser.add_argument("--level", choices=AdministrativeUnit.Level.values, help="level of units to create")
        parser.add_argument("--name-field", default="name")
        parser.add_argument("--parent-field", default="parent_code")
        parser.add_argument("--create", action="store_true", help="create units for unknown codes")
        parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")

    def handle(self, *args, **options):
        layer = options["layer"]
        if layer is not None and layer.isdigit():
            layer = int(layer)
        try:
            report = boundaries_import(
                path=options["path"], code_field=options["code_field"], layer=layer, level=options["level"],
                name_field=options["name_field"], parent_field=options["parent_field"],
                create=options["create"], dry_run=options["dry_run"],
            )
        except ValueError as exc:
            raise CommandError(str(exc))
        w = self.stdout.write
        w(f"Matched and updated: {len(report.matched)}")
        w(f"Created: {len(report.created)} {' '.join(report.created)}")
        w(f"Features with no matching unit: {len(report.unmatched_features)} {' '.join(report.unmatched_features)}")
        w(f"Units of the same level and parent not in the file: {len(report.units_not_in_file)} {' '.join(report.units_not_in_file)}")
        for code, reason in report.refused:
            w(f"Refused {code}: {reason}")
        if report.refused:
            raise CommandError(f"{len(report.refused)} feature(s) refused; nothing was written.")
        if options["dry_run"]:
            w("Dry run: nothing was written.")
