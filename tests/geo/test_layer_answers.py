"""Lighter layer answers (issue 13, part 4): ETag and 304, gzip for layers and tiles only (never token or page answers)."""
import gzip
import json
import math

import pytest

pytestmark = pytest.mark.django_db

PROPOSALS = "/d/yen-phong/api/proposals/?page_size=5000"


def tile_url():
    z, lon, lat = 9, 105.95, 21.2
    n = 2 ** z
    return f"/d/yen-phong/tiles/proposals/{z}/{int((lon + 180) / 360 * n)}/{int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)}.pbf"


def test_repeated_layer_request_with_if_none_match_is_304(client_for):
    client = client_for("huyen.yen-phong")
    first = client.get(PROPOSALS)
    assert first.status_code == 200 and first["ETag"]
    # A signed-in API answer is never stored (trust, issue 11); a client that revalidates still gets a 304.
    assert first["Cache-Control"] == "no-store"
    again = client.get(PROPOSALS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get(PROPOSALS, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    # another filter, another body, another tag
    assert client.get(PROPOSALS + "&sector=transport")["ETag"] != first["ETag"]


def test_tiles_answer_304_too(client_for):
    client = client_for("huyen.yen-phong")
    first = client.get(tile_url())
    assert first.status_code == 200 and len(first.content) > 0
    assert client.get(tile_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_readers_with_other_scopes_get_other_tags(client_for):
    district = client_for("huyen.yen-phong").get(PROPOSALS)
    commune = client_for("xa.09193").get(PROPOSALS)
    assert district["ETag"] != commune["ETag"]
    assert client_for("xa.09193").get(PROPOSALS, HTTP_IF_NONE_MATCH=district["ETag"]).status_code == 200


def test_layer_is_gzipped_when_the_client_accepts_it(client_for):
    client = client_for("huyen.yen-phong")
    plain = client.get(PROPOSALS)
    packed = client.get(PROPOSALS, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3
    assert json.loads(gzip.decompress(packed.content))["type"] == "FeatureCollection"
    # the weak tag of the compressed answer still matches
    assert client.get(PROPOSALS, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"]).status_code == 304
    tile = client.get(tile_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert tile["Content-Encoding"] == "gzip" and gzip.decompress(tile.content) == client.get(tile_url()).content


def test_answers_carrying_secrets_are_never_compressed(client_for, client):
    # BREACH: a token or a CSRF token in a compressed body next to attacker-chosen text leaks through its length.
    token = client.post("/api/auth/token/", {"username": "huyen.yen-phong", "password": "demo-2026"},
                        content_type="application/json", HTTP_ACCEPT_ENCODING="gzip")
    assert token.status_code == 200 and "token" in token.json()
    assert "Content-Encoding" not in token and "ETag" not in token
    page = client_for("huyen.yen-phong").get("/d/yen-phong/proposals/", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and "Content-Encoding" not in page
    login = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in login


def test_ogc_items_answer_304_while_the_data_is_unchanged_even_a_second_later(client_for, monkeypatch):
    """The body's timeStamp changes every second; the ETag must not (it covers the features and counts only)."""
    import datetime as dt

    import geo.ogc

    client = client_for("huyen.yen-phong")
    url = "/d/yen-phong/ogc/collections/proposals/items?limit=50"
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]

    class Later:  # the clock of the second request: a year on
        UTC = dt.UTC

        class datetime:
            @staticmethod
            def now(tz):
                return dt.datetime.now(tz) + dt.timedelta(days=365)

    monkeypatch.setattr(geo.ogc, "dt", Later)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert client.get(url + "&sector=transport", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
