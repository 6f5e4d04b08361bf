"""The OGC API speaks the request's language in everything a person reads (p13i item 1), over real HTTP to the live
server: the landing page's title, description and link titles, every collection's title and description, the /api
document's summaries and parameter descriptions, and the TileJSON and download lists built on the same layers.
Vietnamese by default, by `Accept-Language: vi` or `?lang=vi`; English by `Accept-Language: en` or `?lang=en`
(GDAL and QGIS cannot set a cookie). Ids, URLs, conformance classes and property names never change."""
import json
import urllib.parse
import urllib.request

import pytest

from tests.geo.test_ogc_gdal import _token

pytestmark = pytest.mark.django_db

DISTRICT = "yen-phong"
# (how the language is asked: extra query, headers) for each language; the default (no header) is Vietnamese
VIETNAMESE = [("", {}), ("", {"Accept-Language": "vi"}), ("lang=vi", {"Accept-Language": "en"})]
ENGLISH = [("", {"Accept-Language": "en"}), ("lang=en", {}), ("lang=en", {"Accept-Language": "vi"})]
VI_LETTERS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def _get(live_url, path, query="", headers=None, token=None):
    """(JSON body, Content-Language) of a GET over HTTP."""
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = f"Token {token}"
    url = live_url + path + (("&" if "?" in path else "?") + query if query else "")
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as response:
        return json.load(response), response.headers.get("Content-Language")


def _vietnamese(text):
    return bool(VI_LETTERS & set(str(text).lower()))


@pytest.mark.parametrize("service, who", [("/ogc", "tinh"), (f"/d/{DISTRICT}/ogc", f"huyen.{DISTRICT}")])
def test_landing_collections_and_api_follow_the_requests_language(live_url, service, who):
    token = _token(live_url, who)
    answers = {}
    for language, ways in (("vi", VIETNAMESE), ("en", ENGLISH)):
        seen = []
        for query, headers in ways:
            landing, spoken = _get(live_url, service + "/", query, headers, token)
            collections, _spoken = _get(live_url, service + "/collections", query, headers, token)
            api, _spoken = _get(live_url, service + "/api", query, headers, token)
            conformance, _spoken = _get(live_url, service + "/conformance", query, headers, token)
            assert spoken == language, (query, headers, spoken)
            seen.append((landing, collections, api, conformance))
        assert all(answer == seen[0] for answer in seen), f"{language}: every way of asking gives the same answer"
        answers[language] = seen[0]
    (vi_landing, vi_collections, vi_api, vi_conformance), (en_landing, en_collections, en_api, en_conformance) = answers["vi"], answers["en"]

    assert vi_landing["description"].startswith("Các lớp bản đồ của nền tảng lập kế hoạch cấp xã")
    assert en_landing["description"].startswith("Layers of the commune planning platform")
    assert {link["title"] for link in vi_landing["links"]} == {"tài liệu này", "định nghĩa API", "các lớp phù hợp", "các tập dữ liệu"}
    assert {link["title"] for link in en_landing["links"]} == {"this document", "the API definition", "conformance classes", "collections"}
    assert [link["href"] for link in vi_landing["links"]] == [link["href"] for link in en_landing["links"]]
    assert vi_conformance == en_conformance  # URIs: no words to translate

    vi_by_id = {c["id"]: c for c in vi_collections["collections"]}
    en_by_id = {c["id"]: c for c in en_collections["collections"]}
    assert set(vi_by_id) == set(en_by_id) and len(vi_by_id) >= 4
    for cid, vi in vi_by_id.items():  # every collection, not only the example
        en = en_by_id[cid]
        assert _vietnamese(vi["title"]) and not _vietnamese(en["title"]), (cid, vi["title"], en["title"])
        assert _vietnamese(vi["description"]) and en["description"] != vi["description"], (cid, vi["description"], en["description"])
        assert {link["title"] for link in en["links"]} == {en["title"]}
        one, _spoken = _get(live_url, f"{service}/collections/{cid}", "lang=en", token=token)
        assert (one["title"], one["description"]) == (en["title"], en["description"])
        assert en_api["paths"][f"/collections/{cid}/items"]["get"]["summary"] == en["title"]
        assert vi_api["paths"][f"/collections/{cid}/items"]["get"]["summary"] == vi["title"]
        for vi_parameter, en_parameter in zip(vi_api["paths"][f"/collections/{cid}/items"]["get"]["parameters"],
                                              en_api["paths"][f"/collections/{cid}/items"]["get"]["parameters"], strict=True):
            assert vi_parameter["name"] == en_parameter["name"]
            assert vi_parameter["description"] != en_parameter["description"], (cid, vi_parameter)
    assert vi_api["paths"]["/"]["get"]["summary"] == "Trang đầu" and en_api["paths"]["/"]["get"]["summary"] == "Landing page"
    assert vi_api["info"]["description"].startswith("Xác thực bằng tiêu đề")

    if service == "/ogc":
        assert vi_by_id["communes"]["title"] == "Xã, phường, thị trấn"
        assert en_by_id["communes"]["title"] == "Communes, wards and townships"
    else:
        assert vi_by_id["proposals"]["description"].startswith("Đề xuất của thôn và ngành")
        assert en_by_id["proposals"]["title"] == "Proposals of villages and commune units"
        assert en_by_id["proposals"]["description"].startswith("Proposals of villages and sectors")


@pytest.mark.parametrize("path, who", [("/tiles/", "tinh"), (f"/d/{DISTRICT}/tiles/", f"huyen.{DISTRICT}"),
                                       ("/api/downloads/", "tinh"), (f"/d/{DISTRICT}/api/downloads/", f"huyen.{DISTRICT}")])
def test_tile_and_download_lists_name_the_layers_in_the_requests_language(live_url, path, who):
    """The same kind: the TileJSON documents (name, description) and the download list (title) name the kit's layers."""
    token = _token(live_url, who)
    vi, _spoken = _get(live_url, path, "", {"Accept-Language": "vi"}, token)
    en, _spoken = _get(live_url, path, "", {"Accept-Language": "en"}, token)
    name = "name" if path.endswith("tiles/") else "title"
    assert vi and len(vi) == len(en)
    for vi_layer, en_layer in zip(vi, en, strict=True):
        assert _vietnamese(vi_layer[name]) and not _vietnamese(en_layer[name]), (vi_layer[name], en_layer[name])
        if name == "name":
            assert vi_layer["description"] != en_layer["description"]
