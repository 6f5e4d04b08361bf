import os

from django.core.management.base import BaseCommand

from fixtures.demo import demo_accounts_ensure, demo_investment_ensure, demo_proposals_ensure, demo_villages_ensure

DEFAULT_DEMO_PASSWORD = "demo-2026"


class Command(BaseCommand):
    help = "Add the demo data: generated villages (marked as demo), the demo accounts and a small demo dataset. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--with-investment", action="store_true",
                            help="also an approved medium-term investment plan with a few projects per district (the demo server)")

    def handle(self, *args, **options):
        villages = demo_villages_ensure()
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        accounts = demo_accounts_ensure(password=password)
        proposals = demo_proposals_ensure()
        projects = demo_investment_ensure() if options["with_investment"] else 0
        self.stdout.write(f"Demo data: {villages} villages, {accounts} accounts, {proposals} proposals and {projects} investment projects created.")
