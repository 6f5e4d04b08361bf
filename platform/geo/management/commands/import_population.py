from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from geo.services import population_import


class Command(BaseCommand):
    help = ("Import population by GSO code from a CSV (code,population,year,source; or a population_<year> column), replacing "
            "what units hold; districts and the province not in the file get the sum of their communes. All rows or none.")

    def add_arguments(self, parser):
        parser.add_argument("csv", help="CSV file with a header row")
        parser.add_argument("--year", type=int, help="the year the figures count, for rows without a year column")
        parser.add_argument("--source", default="", help="where the figures come from, for rows without a source column")

    def handle(self, *args, **options):
        try:
            result = population_import(csv_path=Path(options["csv"]), year=options["year"], source=options["source"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.message_dict.get("file", exc.messages)))
        self.stdout.write(f"Population: {result['updated']} units updated, {result['summed']} summed from their communes.")
