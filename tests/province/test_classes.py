"""The province map's colour classes (issue 15, part 3): zero alone, quantiles or Fisher-Jenks, never overlapping ranges."""
import mapclassify
import pytest
from django.db import connection

from province.selectors import CLASS_COLOURS, class_breaks
from province.services import rollup_rebuild
from tests.geo.test_tiles import BAC_NINH, covering_tile, decode
from tests.investment.factories import make_plan, make_project

pytestmark = pytest.mark.django_db

LAYER = "/api/province/investment-distribution/"

# A known sample with natural gaps (no zero, so all five classes are Fisher-Jenks' or the quantiles').
SAMPLE = [0.5, 1.2, 1.3, 2.0, 2.2, 6.1, 6.3, 6.8, 7.0, 12.5, 13.1, 14.0, 30.0, 31.5, 33.0, 80.0, 95.0]


def test_fisher_jenks_breaks_are_mapclassifys_on_a_known_sample():
    expected = [float(b) for b in mapclassify.FisherJenks(SAMPLE, k=len(CLASS_COLOURS)).bins[:-1]]
    assert class_breaks(SAMPLE, "fisher_jenks") == expected
    assert class_breaks(SAMPLE, "fisher_jenks") != class_breaks(SAMPLE, "quantiles")


def test_quantile_breaks_are_mapclassifys_on_a_known_sample():
    expected = [float(b) for b in mapclassify.Quantiles(SAMPLE, k=len(CLASS_COLOURS)).bins[:-1]]
    assert class_breaks(SAMPLE, "quantiles") == expected


@pytest.mark.parametrize("classification", ["quantiles", "fisher_jenks"])
def test_zero_is_a_class_of_its_own_when_most_units_are_zero(classification):
    values = [0] * 95 + [float(v) for v in range(1, 27)]  # 95 of 121 communes at 0, as in Bắc Ninh's 2026
    breaks = class_breaks(values, classification)
    assert breaks[0] == 0 and len(breaks) == len(CLASS_COLOURS) - 1  # five classes: zero, then four above it
    assert breaks == sorted(set(breaks))


def test_few_distinct_values_give_fewer_classes_never_repeated_breaks():
    assert class_breaks([0, 0, 0, 5]) == [0]
    assert class_breaks([0, 0, 3, 5], "fisher_jenks") == [0, 3]
    assert class_breaks([7, 7, 7]) == []
    assert class_breaks([]) == []


@pytest.fixture
def few_communes_funded(district):
    """Money in eight communes of Yên Phong only: the other 113 communes of the province stay at 0. The amounts
    (1.0, 1.2, 1.4, 1.6, 5, 9, 20, 21 billion) are cut differently by quantiles and by natural breaks."""
    connection.set_schema_to_public()
    rollup_rebuild()
    yp = district("yen-phong")
    plan = make_plan(yp, approve=True)
    amounts = [1_000, 1_200, 1_400, 1_600, 5_000, 9_000, 20_000, 21_000]
    for i, (commune, millions) in enumerate(zip(["09193", "09196", "09199", "09202", "09205", "09208", "09211", "09217"], amounts, strict=True)):
        make_project(yp, code=f"C-{i}", plan=plan, total=millions * 1_000_000, communes=[commune])
    connection.set_schema_to_public()


@pytest.mark.parametrize("classification", ["quantiles", "fisher_jenks"])
def test_the_layer_puts_zero_alone_and_its_legend_ranges_strictly_increase(client_for, few_communes_funded, classification):
    body = client_for("tinh").get(f"{LAYER}?level=commune&page_size=5000&classification={classification}").json()
    assert body["classification"] == classification
    classes = body["legend"]["classes"]
    zero = [f for f in body["features"] if f["properties"]["value"] == 0]
    assert len(zero) > 100
    assert classes[0]["min"] == classes[0]["max"] == 0 and classes[0]["count"] == len(zero)
    assert all(f["properties"]["class"] == 0 for f in zero)
    assert all(f["properties"]["class"] > 0 for f in body["features"] if f["properties"]["value"] > 0)
    assert all(c["count"] > 0 for c in classes)
    bounds = [bound for c in classes for bound in (c["min"], c["max"])]
    # each range after the previous one, never overlapping: min ≤ max within a class, max < next min
    assert all(c["min"] <= c["max"] for c in classes)
    assert all(a["max"] < b["min"] for a, b in zip(classes, classes[1:], strict=False))
    assert bounds == sorted(bounds)


def test_the_classification_changes_the_classes_and_the_tiles_follow_it(client_for, few_communes_funded):
    client = client_for("tinh")
    quantiles = client.get(f"{LAYER}?level=commune&page_size=5000").json()
    jenks = client.get(f"{LAYER}?level=commune&page_size=5000&classification=fisher_jenks").json()
    values = [f["properties"]["value"] for f in quantiles["features"]]
    assert quantiles["legend"]["breaks"] == class_breaks(values, "quantiles")
    assert jenks["legend"]["breaks"] == class_breaks(values, "fisher_jenks")
    assert [f["properties"]["class"] for f in quantiles["features"]] != [f["properties"]["class"] for f in jenks["features"]]
    # the vector tiles carry the classes of the chosen classification, computed over every commune
    z, x, y = covering_tile(BAC_NINH, 7)
    tile = decode(client.get(f"/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf?classification=fisher_jenks"),
                  "investment-distribution-communes")
    tiled = {f["properties"]["code"]: f["properties"].get("class") for f in tile}
    assert tiled == {f["properties"]["code"]: f["properties"]["class"] for f in jenks["features"]}


@pytest.mark.parametrize("url", [LAYER, "/api/province/investment-distribution.png", "/api/province/investment-distribution.geojson"])
def test_a_bad_classification_is_a_400_naming_it_in_vietnamese(client_for, url):
    response = client_for("tinh").get(f"{url}?classification=equal_interval")
    assert response.status_code == 400
    assert "classification" in response.json()
    assert "không" in str(response.json()["classification"]).lower() or "lựa chọn" in str(response.json()["classification"])
