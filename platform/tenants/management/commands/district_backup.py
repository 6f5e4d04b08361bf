"""manage.py district_backup <slug>: one district's schema, public rows and files in one archive (tenants/backup/)."""
import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants import backup
from tenants.models import District


class Command(BaseCommand):
    help = ("Back one district up into a .tar archive: its schema (pg_dump, custom format), its rows in the public "
            "schema (district, units, users, rollups) and its files. Restore with district_restore.")

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the district's slug, e.g. yen-phong")
        parser.add_argument("--output", help="the archive to write (default BACKUP_DIR/<slug>-<UTC time>.tar)")

    def handle(self, *args, slug, output=None, **options):
        district = District.objects.exclude(schema_name="public").select_related("unit").filter(slug=slug).first()
        if district is None:
            raise CommandError(f"no district with slug {slug!r}")
        if output is None:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
            output = Path(settings.BACKUP_DIR) / f"{slug}-{stamp}.tar"
        try:
            manifest = backup.district_backup(district=district, path=Path(output))
        except backup.BackupError as exc:
            raise CommandError(str(exc))
        tables = manifest["schema"]["tables"]
        for name in manifest["missing_files"]:
            self.stderr.write(f"warning: file {name} is named by the district's rows but is not a file inside MEDIA_ROOT; not backed up")
        for label in manifest["unclassified_public_models"]:
            self.stderr.write(f"warning: public model {label} is neither a district table nor listed as province-wide; not backed up")
        self.stdout.write(
            f"Backed up {district.name} ({district.schema_name}) to {output}: {len(tables)} tables, "
            f"{sum(t['rows'] for t in tables.values())} rows; {sum(t['rows'] for t in manifest['public'].values())} public rows "
            f"in {len(manifest['public'])} tables; {len(manifest['files'])} files; {manifest['bytes']} bytes; {manifest['seconds']:.2f} s"
        )
