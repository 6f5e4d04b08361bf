"""The fixed cost of a layer or tile request (issue 13, benchmark goals): the statements a request sends are pinned, the
class breaks are cached under a data version that every write to what they read bumps (never stale), and the
search_path is set once per request."""
import mapbox_vector_tile
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.geo.test_tiles import BAC_NINH, covering_tile
from tests.investment.factories import CHO, QUE_VO, make_project, point

pytestmark = pytest.mark.django_db

TILE = "/tiles/investment-distribution-communes/{}/{}/{}.pbf"
BREAKS_STATEMENT = "array_agg(value::float8)"  # province.selectors._VALUES_SQL: every unit of the level


def requested(client, url, expect=200, **extra):
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url, **extra)
    assert answer.status_code == expect, answer.content[:300]
    return answer, [q["sql"] for q in captured.captured_queries]


def classes(answer):
    features = mapbox_vector_tile.decode(answer.content)["investment-distribution-communes"]["features"]
    return {f["properties"]["code"]: (f["properties"].get("class"), f["properties"]["value"]) for f in features}


def fresh_breaks(**arguments):
    """The breaks computed now by the statement itself, bypassing the cache."""
    from province import selectors

    params = {"level": "commune", "year": None, "sector": "", "source": "", "measure": "total_investment", "province": "", **arguments}
    with connection.cursor() as cursor:
        cursor.execute(selectors._VALUES_SQL, params)
        return selectors.class_breaks(cursor.fetchone()[0] or [])


def new_version():
    """A data version nobody has computed breaks for: bumped in this test's transaction (rolled back after it). Without
    it, breaks the live test server computed and committed to the shared cache under today's version are found (rightly)
    and the first request of a test computes nothing."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO public.province_dataversion (scope, version) VALUES ('*', nextval('public.province_dataversion_seq')) "
                       "ON CONFLICT (scope) DO UPDATE SET version = excluded.version")


def test_repeated_tiles_compute_the_class_breaks_once(client_for):
    new_version()
    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 7)
    _first, first = requested(tinh, TILE.format(z, x, y))
    _again, again = requested(tinh, TILE.format(z, x, y))
    _other, other = requested(tinh, TILE.format(z + 1, x * 2, y * 2))
    assert sum(BREAKS_STATEMENT in sql for sql in first) == 1
    assert sum(BREAKS_STATEMENT in sql for sql in again + other) == 0
    # another measure has breaks of its own
    _per_resident, per_resident = requested(tinh, TILE.format(z, x, y) + "?measure=per_resident")
    assert sum(BREAKS_STATEMENT in sql for sql in per_resident) == 1


def test_a_rollup_write_changes_the_breaks_the_next_tile_uses(district, client_for):
    from province import selectors

    # projects written through the districts' services, which refresh the rollup in their own transaction
    make_project(district("yen-phong"), code="V-0", geometry=point(CHO), total=1_200_000_000)
    make_project(district("que-vo"), code="V-1", geometry=point(QUE_VO), total=5_000_000_000)
    connection.set_schema_to_public()
    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 7)
    before = classes(requested(tinh, TILE.format(z, x, y))[0])
    breaks_before = selectors.distribution_breaks(level="commune")
    assert len(breaks_before) > 1
    make_project(district("yen-phong"), code="V-2", geometry=point(CHO), total=900_000_000_000)
    connection.set_schema_to_public()
    assert fresh_breaks() != breaks_before
    answer, queries = requested(tinh, TILE.format(z, x, y))
    assert sum(BREAKS_STATEMENT in sql for sql in queries) == 1  # the new version is computed, not read from before
    after = classes(answer)
    assert after["09193"][1] > before["09193"][1] and after["09193"][0] > before["09193"][0]  # Chờ moved up a class
    assert selectors.distribution_breaks(level="commune") == fresh_breaks()
    # the bytes are the statement's with the breaks computed now
    from province.tiles import distribution_sql

    params = {"level": "commune", "year": None, "sector": "", "source": "", "measure": "total_investment", "province": "",
              "z": z, "x": x, "y": y, "breaks": fresh_breaks()}
    with connection.cursor() as cursor:
        cursor.execute(distribution_sql(name="investment-distribution-communes"), params)
        assert bytes(cursor.fetchone()[0]) == answer.content


def test_a_unit_write_changes_the_breaks_the_next_tile_uses(district, client_for):
    from geo.models import AdministrativeUnit
    from province import selectors

    make_project(district("yen-phong"), code="U-0", geometry=point(CHO), total=1_200_000_000)
    make_project(district("que-vo"), code="U-1", geometry=point(QUE_VO), total=5_000_000_000)
    connection.set_schema_to_public()
    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 7)
    url = TILE.format(z, x, y) + "?measure=per_resident"
    requested(tinh, url)
    breaks_before = selectors.distribution_breaks(level="commune", measure="per_resident")
    # A population corrected by SQL-level update (no model signal): the statement trigger still bumps the version.
    AdministrativeUnit.objects.filter(code="09193").update(population=1)
    assert fresh_breaks(measure="per_resident") != breaks_before
    _answer, queries = requested(tinh, url)
    assert sum(BREAKS_STATEMENT in sql for sql in queries) == 1
    assert selectors.distribution_breaks(level="commune", measure="per_resident") == fresh_breaks(measure="per_resident")


def test_a_rolled_back_write_leaves_the_version(district):
    from django.db import transaction

    from province import selectors

    version = selectors.data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_project(district("yen-phong"), code="V-2", geometry=point(CHO), total=5_000_000_000)
        connection.set_schema_to_public()
        assert selectors.data_version() != version  # the writer's own transaction sees its bump
        raise RuntimeError
    connection.set_schema_to_public()
    assert selectors.data_version() == version


def test_a_tile_request_sends_a_pinned_number_of_statements(client_for):
    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 7)
    requested(tinh, TILE.format(z, x, y))  # the breaks are cached
    _answer, queries = requested(tinh, TILE.format(z, x, y))
    # Before: SET search_path twice, the public tenant, the session, the user, the breaks statement, the tile (7).
    # Now: the data versions (read by the tenant middleware, which keeps the public tenant under them; the tile reads the
    # primary here, so it reuses them), the session, the user, the tile from the cache (the path was set before; the
    # tile of this data version was built by the first request).
    assert not any(sql.startswith("SET search_path") for sql in queries), queries
    assert len(queries) == 4, [sql[:150] for sql in queries]
    assert "province_dataversion" in queries[0] and "sedp_answer_cache" in queries[3]
    # another tile: built (then stored in the cache), with the breaks of this version (no breaks statement)
    _answer, queries = requested(tinh, TILE.format(z + 1, x * 2, y * 2))
    assert sum("ST_AsMVT" in sql for sql in queries) == 1 and not any(BREAKS_STATEMENT in sql for sql in queries)


def test_a_cached_tile_is_rebuilt_after_a_write(district, client_for):
    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 7)
    first = requested(tinh, TILE.format(z, x, y))[0]
    again, queries = requested(tinh, TILE.format(z, x, y))
    assert again.content == first.content and not any("ST_AsMVT" in sql for sql in queries)
    make_project(district("yen-phong"), code="C-1", geometry=point(CHO), total=7_000_000_000)
    connection.set_schema_to_public()
    after, queries = requested(tinh, TILE.format(z, x, y))
    assert any("ST_AsMVT" in sql for sql in queries) and after.content != first.content
    assert classes(after)["09193"][1] == 7_000_000_000


def test_a_tile_not_modified_is_answered_without_its_sql(district, client_for):
    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 7)
    first = requested(tinh, TILE.format(z, x, y))[0]
    etag = first["ETag"]
    unchanged, queries = requested(tinh, TILE.format(z, x, y), HTTP_IF_NONE_MATCH=etag, expect=304)
    assert not unchanged.content and len(queries) == 3, [sql[:70] for sql in queries]  # data versions, session, user
    # gzip weakens the ETag; If-None-Match still matches it
    packed = tinh.get(TILE.format(z, x, y), HTTP_ACCEPT_ENCODING="gzip")
    assert tinh.get(TILE.format(z, x, y), HTTP_IF_NONE_MATCH=packed["ETag"]).status_code == 304
    # other filters, another ETag
    assert tinh.get(TILE.format(z, x, y) + "?measure=per_km2", HTTP_IF_NONE_MATCH=etag).status_code == 200
    # after a write the version moves: the tile is sent again
    make_project(district("yen-phong"), code="E-1", geometry=point(CHO), total=2_000_000_000)
    connection.set_schema_to_public()
    changed = tinh.get(TILE.format(z, x, y), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    # the access check comes first: a district official holding the ETag gets the 403, not a 304
    assert client_for("huyen.yen-phong").get(TILE.format(z, x, y), HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 403


def test_the_commune_layer_sends_a_pinned_number_of_statements(client):
    client.get("/api/admin-units/?level=commune")
    answer, queries = requested(client, "/api/admin-units/?level=commune")
    # Before: SET search_path twice, the public tenant, the layer's page (4). Then the page alone. Now the data versions
    # alone (the whole answer is kept under the units' version, geo.layers.page_response).
    assert len(queries) == 1 and "province_dataversion" in queries[0], [sql[:70] for sql in queries]
    assert len(answer.json()["features"]) == 121


def test_a_district_request_after_a_public_one_sets_its_own_path(district, client_for):
    # The search_path kept across set_tenant only when the schema is the same: a district's request on the connection
    # a public request used reads the district's schema.
    huyen = client_for("huyen.yen-phong")
    requested(huyen, "/api/admin-units/?level=district")
    _answer, queries = requested(huyen, "/d/yen-phong/api/proposals/?page_size=5")
    paths = [sql for sql in queries if sql.startswith("SET search_path")]
    assert len(paths) == 1 and f'"{district("yen-phong").schema_name}"' in paths[0], paths
    assert requested(huyen, "/d/yen-phong/api/proposals/?page_size=5")[0].json()["count"] > 0


def test_a_public_tenant_saved_is_read_again(client):
    from tenants.models import District

    client.get("/api/admin-units/?level=province")
    assert requested(client, "/api/admin-units/?level=province")[1] == [requested(client, "/api/admin-units/?level=province")[1][0]]
    District.objects.get(schema_name="public").save()
    _answer, queries = requested(client, "/api/admin-units/?level=province")
    # the versions, the public tenant's row, the layer's page (the units' version moved with the districts' table)
    assert len(queries) == 3 and "tenants_district" in queries[1], [sql[:70] for sql in queries]


def test_a_public_tenant_changed_by_another_process_is_read_again(client):
    """No signal reaches this process when another one (or SQL) writes the public tenant's row: the units' version,
    which the statement trigger of tenants_district moves, makes the next request read the row again."""
    client.get("/")
    _answer, queries = requested(client, "/api/admin-units/?level=province")
    assert not any("tenants_district" in sql for sql in queries)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tenants_district SET name = name || ' (đổi)' WHERE schema_name = 'public'")
    _answer, queries = requested(client, "/api/admin-units/?level=province")
    assert any("tenants_district" in sql for sql in queries), [sql[:70] for sql in queries]
    from tenants.middleware import public_tenant

    assert public_tenant().name.endswith(" (đổi)")


def test_a_domain_added_is_seen_by_the_next_request(district, client_for):
    from tenants.models import DistrictDomain

    huyen = client_for("huyen.yen-phong")
    assert huyen.get("/d/yen-phong-moi/api/proposals/").status_code == 404
    DistrictDomain.objects.create(domain="yen-phong-moi", tenant=district("yen-phong"), is_primary=False)
    assert huyen.get("/d/yen-phong-moi/api/proposals/?page_size=5").status_code == 200


def test_a_distribution_page_is_cached_until_a_write(district, client_for):
    new_version()
    tinh = client_for("tinh")
    url = "/api/province/investment-distribution/?level=commune&page_size=50"
    first, queries = requested(tinh, url)
    assert any("ST_AsGeoJSON" in sql for sql in queries)
    again, queries = requested(tinh, url)
    assert again.content == first.content and not any("ST_AsGeoJSON" in sql for sql in queries)
    make_project(district("yen-phong"), code="P-1", geometry=point(CHO), total=3_000_000_000)
    connection.set_schema_to_public()
    after, queries = requested(tinh, url)
    assert any("ST_AsGeoJSON" in sql for sql in queries)
    cho = next(f for f in after.json()["features"] if f["id"] == "09193")
    assert cho["properties"]["total_investment"] == 3_000_000_000 and after.json()["refreshed_at"]


def test_a_refresh_without_a_changed_figure_moves_the_refresh_time(district, client_for):
    from province.services import rollup_refresh

    tinh = client_for("tinh")
    make_project(district("yen-phong"), code="R-1", geometry=point(CHO), total=3_000_000_000)
    connection.set_schema_to_public()
    url = "/api/province/investment-distribution/?level=district"
    before = requested(tinh, url)[0].json()["refreshed_at"]
    with connection.cursor() as cursor:  # an hour ago, so that the refresh below is later
        cursor.execute("UPDATE province_rolluprefresh SET refreshed_at = refreshed_at - interval '1 hour'")
    older = requested(tinh, url)[0].json()["refreshed_at"]
    assert older < before
    rollup_refresh(district=district("yen-phong"))  # no figure changes, the refresh time does
    connection.set_schema_to_public()
    assert requested(tinh, url)[0].json()["refreshed_at"] > older



@pytest.mark.parametrize("username, route", [("huyen.yen-phong", "/d/yen-phong/api/proposals/"),
                                             (None, "/d/yen-phong/api/public/proposals/")])
def test_an_ogc_items_page_costs_the_statements_of_the_layer_route_and_answers_its_features(client_for, username, route):
    """The OGC items page of proposals sends no statement more than the layer route for the same page (it used to ask
    every layer of the district whether the caller may read it, some with a query: ×2.7 the route's time at 8
    districts), and its features are the route's, byte for byte; numberMatched and the links stay."""
    caller = client_for(username)
    requested(caller, route)  # the connection's search_path as it is between requests
    ogc, ogc_statements = requested(caller, "/d/yen-phong/ogc/collections/proposals/items?limit=2&offset=2")
    layer, layer_statements = requested(caller, f"{route}?page_size=2&page=2")
    ogc_statements, layer_statements = ([sql for sql in statements if not sql.startswith("SET search_path")]
                                        for statements in (ogc_statements, layer_statements))
    assert len(ogc_statements) == len(layer_statements), (ogc_statements, layer_statements)
    assert ogc.content.split(b'"features": [', 1)[1] == layer.content.split(b'"features": [', 1)[1]
    body = ogc.json()
    assert body["numberMatched"] == layer.json()["count"] > 4 and body["numberReturned"] == 2
    assert {link["rel"] for link in body["links"]} == {"self", "collection", "next", "prev"}


def test_the_home_page_commune_layer_is_built_once_and_answers_as_the_orm_statement(client):
    """/api/admin-units/?level=commune keeps each page's statement per process (the ORM's window query was compiled on
    every request): the body equals, byte for byte, the page the ORM-built statement writes, in each language; the
    statement reads the rows when it runs, so a changed unit shows at once; a bad parameter is refused, never kept."""
    from django.utils import translation

    from geo import kept, layers
    from geo.models import AdministrativeUnit

    kept._STATEMENTS.clear()
    url = "/api/admin-units/?level=commune&page_size=7&page=2"
    layer = layers.registry.get("communes")
    prefix = b'{"type": "FeatureCollection", "count": '
    for language in ("vi", "en"):
        first, _statements = requested(client, url + f"&lang={language}")
        again, _statements = requested(client, url + f"&lang={language}")
        assert again.content == first.content
        with translation.override(language):
            text, total, returned = layer.page(layer.rows(None, None), limit=7, offset=7)
        assert first.content.startswith(prefix) and returned == 7
        assert first.content.split(b'"features": [', 1)[1] == text.encode() + b"]}"
        assert first.json()["count"] == total
    assert len(kept._STATEMENTS) == 2, list(kept._STATEMENTS)  # one per language, reused by the second request of each
    unit = AdministrativeUnit.objects.get(code=first.json()["features"][0]["id"])
    unit.name = unit.name + " (đổi tên)"
    unit.save(update_fields=["name"])
    changed, _statements = requested(client, url + "&lang=vi")
    assert changed.json()["features"][0]["properties"]["name"] == unit.name
    statements = set(kept._STATEMENTS)
    requested(client, "/api/admin-units/?level=commune&parent=abc", expect=400)  # a malformed GSO code
    assert set(kept._STATEMENTS) == statements


def test_a_kept_distribution_page_reads_the_data_version_once(client_for):
    """The distribution page reuses the versions the tenant middleware read for the request (it used to read its own
    again: one statement more than the tile)."""
    new_version()
    tinh = client_for("tinh")
    url = "/api/province/investment-distribution/?level=commune&page_size=50"
    first, _queries = requested(tinh, url)
    again, queries = requested(tinh, url)
    assert again.content == first.content
    # the data versions (tenant middleware), the session, the user, the page from the cache
    assert sum("province_dataversion" in sql for sql in queries) == 1, [sql[:70] for sql in queries]
    assert len(queries) == 4 and "province_dataversion" in queries[0] and "sedp_answer_cache" in queries[3], [sql[:70] for sql in queries]
