"""Move files uploaded before issue 11 (`MEDIA_ROOT/proposals/2026/x.png`…) into the district layout.

Each file goes through the same checks as a new upload (`files.uploads.checked_file`: sniffed type, name,
pixels, images re-encoded) and is stored as `<schema>/<kind>/<random hex>.<ext>`; its old name is kept as the
display name when the row had none, and the old file is deleted. A file that fails the checks, or is missing,
stays where it is and is reported (it cannot be downloaded: `/media/` is not served). Idempotent.
"""
import os

from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import schema_context
from rest_framework.exceptions import ValidationError

from files.kinds import KINDS
from files.uploads import checked_file
from tenants.models import District


class Command(BaseCommand):
    help = "Move uploads stored under the old layout to MEDIA_ROOT/<schema>/<kind>/<random>.<ext> (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would move, change nothing")

    def handle(self, *args, dry_run=False, **options):
        moved = refused = 0
        for district in District.objects.exclude(schema_name="public").order_by("schema_name"):
            with schema_context(district.schema_name):
                for kind in KINDS.values():
                    if kind.in_public_schema:
                        continue  # the province's own files (public/…) are not a district's to move
                    m, r = self._relayout(district.schema_name, kind, dry_run)
                    moved, refused = moved + m, refused + r
        verb = "would move" if dry_run else "moved"
        self.stdout.write(f"{verb} {moved} file(s); {refused} left in place (missing or refused)")

    def _relayout(self, schema, kind, dry_run):
        from django.apps import apps

        model = apps.get_model(kind.model)
        prefix = f"{schema}/{kind.name}/"
        rows = model._default_manager.exclude(**{kind.field: ""}).exclude(**{f"{kind.field}__startswith": prefix})
        moved = refused = 0
        for row in rows:
            stored = getattr(row, kind.field)
            old_name = stored.name
            if not stored.storage.exists(old_name):
                self.stderr.write(f"{schema} {kind.name} #{row.pk}: {old_name} is missing")
                refused += 1
                continue
            if dry_run:
                moved += 1
                continue
            with stored.storage.open(old_name, "rb") as handle:
                upload = File(handle, name=os.path.basename(old_name))
                upload.content_type = ""
                try:
                    checked = checked_file(upload, field=kind.field)
                except ValidationError as exc:
                    self.stderr.write(f"{schema} {kind.name} #{row.pk}: {old_name} refused: {exc.detail}")
                    refused += 1
                    continue
                with transaction.atomic():
                    stored.save(checked.name, checked, save=False)
                    update = [kind.field]
                    if not getattr(row, kind.name_field):
                        setattr(row, kind.name_field, checked.original_name)
                        update.append(kind.name_field)
                    row.save(update_fields=update)
            stored.storage.delete(old_name)
            moved += 1
        return moved, refused
