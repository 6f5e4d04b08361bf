"""manage.py site_backup: the whole database and MEDIA_ROOT, for the nightly run (deploy/backup, tenants/backup/)."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants import backup


class Command(BaseCommand):
    help = ("Back the whole site up into BACKUP_DIR/site-<UTC time>/ (database.dump: pg_dump of the whole database, "
            "custom format; media.tar: MEDIA_ROOT; manifest.json) and keep the newest BACKUP_KEEP backups.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="where to write (default BACKUP_DIR)")
        parser.add_argument("--keep", type=int, help="how many backups to keep (default BACKUP_KEEP)")

    def handle(self, *args, dir=None, keep=None, **options):
        directory = Path(dir or settings.BACKUP_DIR)
        try:
            manifest = backup.site_backup(directory=directory, keep=keep if keep is not None else settings.BACKUP_KEEP)
        except backup.BackupError as exc:
            raise CommandError(str(exc))
        sizes = ", ".join(f"{name} {info['bytes']} bytes" for name, info in manifest["files"].items())
        self.stdout.write(f"Site backed up to {manifest['path']} ({sizes}) in {manifest['seconds']:.2f} s")
        if manifest["removed"]:
            self.stdout.write(f"Removed old backups: {', '.join(manifest['removed'])}")
