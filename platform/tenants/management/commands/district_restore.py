"""manage.py district_restore <slug> <archive>: put a district back as district_backup archived it (tenants/backup/)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants import backup


class Command(BaseCommand):
    help = ("Restore one district from a district_backup archive: its schema and public rows are replaced in one "
            "transaction (checked against the archive's checksums before it commits), then its files are written.")

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the district's slug, e.g. yen-phong (must be the archive's)")
        parser.add_argument("archive", help="a .tar file written by district_backup")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="do not ask for confirmation")

    def handle(self, *args, slug, archive, interactive=True, **options):
        if interactive:
            answer = input(f"This replaces district {slug!r} (its schema, its public rows and its files) with {archive}. "
                           "Type 'yes' to continue: ")
            if answer != "yes":
                raise CommandError("restore cancelled")
        try:
            summary = backup.district_restore(slug=slug, path=Path(archive))
        except backup.BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            f"Restored {slug} from {archive}: {summary['tables']} tables, {summary['rows']} rows, "
            f"{summary['public_rows']} public rows, {summary['files']} files, checksums equal; {summary['seconds']:.2f} s"
        )
        if summary["kept_users"]:
            self.stdout.write(f"Kept users made since the backup: {', '.join(summary['kept_users'])}")
        if summary["pending_migrations"]:
            self.stdout.write(f"The archive predates {len(summary['pending_migrations'])} migration(s): "
                              f"run manage.py migrate_schemas --tenant")
