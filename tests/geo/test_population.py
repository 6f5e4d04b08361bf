"""Issue 14, part 5: every unit's population (2019 census, with its year and source) is loaded with the units, a later
import replaces it (all rows or none), the set-up never undoes that import, and the province's equity is per resident."""
import pytest
from django.core.management import CommandError, call_command

from geo.models import AdministrativeUnit
from geo.services import population_import
from tenants.management.commands.setup_province import POPULATION

pytestmark = pytest.mark.django_db
Level = AdministrativeUnit.Level


def test_every_current_unit_has_its_census_population_with_year_and_source():
    current = AdministrativeUnit.objects.filter(is_current=True).exclude(level=Level.VILLAGE)
    assert current.count() == 130 and not current.filter(population__isnull=True).exists()
    assert set(current.values_list("population_year", flat=True)) == {2019}
    assert AdministrativeUnit.objects.get(code="09193").population_source.startswith("Tổng điều tra dân số")
    assert AdministrativeUnit.objects.get(code="27").population == 1_368_840
    for district in current.filter(level=Level.DISTRICT):
        communes = AdministrativeUnit.objects.filter(parent=district, level=Level.COMMUNE, is_current=True)
        assert district.population == sum(c.population for c in communes), district.code


def test_a_later_import_replaces_the_figures_and_the_set_up_keeps_it(tmp_path):
    cho = AdministrativeUnit.objects.get(code="09193")
    yen_phong = AdministrativeUnit.objects.get(code="258")
    new = tmp_path / "dan_so_2024.csv"
    new.write_text(f"code,population,year,source\n09193,{cho.population + 1000},2024,Niên giám thống kê 2024\n", encoding="utf-8")
    call_command("import_population", str(new), verbosity=0)
    cho.refresh_from_db()
    assert (cho.population_year, cho.population_source) == (2024, "Niên giám thống kê 2024")
    before = yen_phong.population
    yen_phong.refresh_from_db()
    assert yen_phong.population == before + 1000 and yen_phong.population_source == "sum of its current communes"

    bad = tmp_path / "bad.csv"
    bad.write_text("code,population\n09196,12000\n99999,5\n09217,nhiều\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3.*99999.*line 4"):
        call_command("import_population", str(bad), verbosity=0)
    assert AdministrativeUnit.objects.get(code="09196").population_year == 2019  # nothing of the file was written

    population_import(csv_path=POPULATION, overwrite=False)  # what setup_province runs: fills only units without a population
    cho.refresh_from_db()
    assert cho.population_year == 2024


def test_the_equity_measure_is_per_resident(client_for):
    body = client_for("tinh").get("/api/province/equity/").json()
    assert body["basis"] == "per_resident" and body["communes"] == 121
    assert body["population_years"] == [2019]
    assert body["lorenz"][0] == [0.0, 0.0] and body["lorenz"][-1] == [1.0, 1.0]
