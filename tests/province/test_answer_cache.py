"""Where kept answers live (issue 13): tiles, class breaks and distribution pages in the `answers` cache, an unlogged
table of their own, never the rate limits' table (docs/GIS.md, "Caching under the data version"; docs/SECURITY.md)."""
import copy

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from accounts.limits import counted
from tests.geo.test_tiles import BAC_NINH, covering_tile

pytestmark = pytest.mark.django_db

TILE = "/tiles/investment-distribution-communes/{}/{}/{}.pbf"


def test_tiles_never_cull_the_rate_limits_counters(settings, client_for):
    """Django's DatabaseCache, past MAX_ENTRIES, deletes live entries in key order. When tiles were kept in the limits'
    table, a few hundred distinct tile requests deleted every counter (an address's password resets sort before the
    province's tiles): here the tables are made small (5 entries) and a province officer's dozen tiles leave the count."""
    small = copy.deepcopy(settings.CACHES)
    for alias in small:
        small[alias].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 5
    settings.CACHES = small
    key = "accounts:password-reset:203.0.113.77"
    with counted(key, limit=3, window_s=600):
        pass
    counter = caches["default"].get(key)
    assert counter and len(counter) == 1

    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 8)
    for dz in range(3):
        for dx in range(2 ** dz):
            for dy in range(2 ** dz):
                for measure in ("total_investment", "per_resident"):
                    url = TILE.format(z + dz, x * 2 ** dz + dx, y * 2 ** dz + dy) + f"?measure={measure}"
                    assert tinh.get(url).status_code == 200, url

    assert caches["default"].get(key) == counter, "the tiles culled the rate limit's counter"


def test_the_kept_answers_tables_are_unlogged_and_the_limits_table_is_not():
    """`manage.py createcachetable` (geo/management/commands/createcachetable.py) makes the answers' and the PDFs'
    tables UNLOGGED (no write-ahead log, no flush at commit: a lost entry is only built again), idempotently; the rate
    limits' counters stay crash-safe."""
    call_command("createcachetable", verbosity=0)
    call_command("createcachetable", verbosity=0)

    def persistence(table):
        with connection.cursor() as cursor:
            cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = to_regclass(%s)", [f"public.{table}"])
            return cursor.fetchone()

    assert persistence("sedp_answer_cache") == ("u",)
    assert persistence("sedp_document_cache") == ("u",)
    assert persistence("sedp_cache") == ("p",)


def test_a_kept_tile_keeps_its_gzip_body_beside_it(client_for):
    """A distribution tile is about half its size gzipped at national scale; compressing it for every request halved the
    tiles a server answered (bench/layer_answers.py, wrk). The gzip body is made once per tile and version, kept with the
    tile in the answers cache, and sent as it is; a client that takes no gzip gets the plain tile of the same entry."""
    import gzip

    from province import selectors
    from province.tiles import _tile_key

    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 7)
    url = TILE.format(z, x, y)
    plain = tinh.get(url)
    assert plain.status_code == 200 and not plain.has_header("Content-Encoding")
    params = {"level": "commune", "year": None, "sector": "", "source": "", "measure": "total_investment", "province": "",
              "z": z, "x": x, "y": y}
    key = _tile_key(selectors.data_version(replica=True), "investment-distribution-communes", "quantiles", params)
    assert caches["answers"].get(key) == (plain.content, None)  # nobody asked for gzip yet

    packed = tinh.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip" and gzip.decompress(packed.content) == plain.content
    assert caches["answers"].get(key) == (plain.content, packed.content)  # kept: the next gzip client gets it as it is
    again = tinh.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert again.content == packed.content and again["ETag"] == packed["ETag"]
    assert tinh.get(url).content == plain.content
