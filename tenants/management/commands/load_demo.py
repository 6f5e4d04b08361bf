import os

from django.core.management.base import BaseCommand

from fixtures.demo import demo_accounts_ensure, demo_proposals_ensure, demo_villages_ensure

DEFAULT_DEMO_PASSWORD = "demo-2026"


class Command(BaseCommand):
    help = "Add the demo data: generated villages (marked as demo), the demo accounts and a small demo dataset. Idempotent."

    def handle(self, *args, **options):
        villages = demo_villages_ensure()
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        accounts = demo_accounts_ensure(password=password)
        proposals = demo_proposals_ensure()
        self.stdout.write(f"Demo data: {villages} villages, {accounts} accounts and {proposals} proposals created.")
