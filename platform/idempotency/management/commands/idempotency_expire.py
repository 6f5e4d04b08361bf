"""Delete the Idempotency-Key rows older than IDEMPOTENCY_KEY_DAYS in every district schema (issue 16).

Run once a day by deploy's sedp-reminders service, after send_reminders; safe to run at any time (an expired key that
is resent before the sweep is freed by `idempotency.keys` itself)."""
from django.core.management.base import BaseCommand
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from idempotency.keys import keys_expire


class Command(BaseCommand):
    help = "Delete expired Idempotency-Key records (older than IDEMPOTENCY_KEY_DAYS) in every district schema."

    def handle(self, *args, **options):
        total = 0
        for schema in get_tenant_model().objects.exclude(schema_name=get_public_schema_name()).values_list("schema_name", flat=True):
            with schema_context(schema):
                total += keys_expire()
        self.stdout.write(f"{total} expired idempotency keys deleted")
