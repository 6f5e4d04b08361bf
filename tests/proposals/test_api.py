"""Step 1 through the API: pinning, refusals that change nothing, the role matrix, the team's actions."""
import pytest

from core.models import PlanStep, StepDeadline
from proposals.models import Proposal, ProposalEvent
from tests.proposals.conftest import CHO, DUNG_LIET, URL, feature, inside

pytestmark = pytest.mark.django_db


def count():
    return Proposal.objects.count()


def test_village_head_pins_a_proposal_and_it_defaults_to_the_own_village(yen_phong, post_feature, client_for):
    body = feature(residents_cash=20_000_000, residents_labour_value=10_000_000, residents_labour_days=150, commune_budget=200_000_000)
    response = post_feature("thon.09193-01", body)
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["village"] == "09193-01"
    assert props["source_kind"] == "village"
    assert props["internal_resources"] == 30_000_000
    assert props["status"] == "submitted"
    assert props["events"][0]["action"] == "submitted" and props["events"][0]["actor"]["username"] == "thon.09193-01"
    listed = client_for("xa.09193").get(URL + "?commune=09193").json()
    assert props["id"] in [f["id"] for f in listed["features"]]
    assert listed["type"] == "FeatureCollection"
    lon, lat = listed["features"][0]["geometry"]["coordinates"] if listed["features"][0]["geometry"]["type"] == "Point" else (106, 21)
    assert 105.5 < lon < 106.5 and 20.8 < lat < 21.4  # lon/lat order survives the round trip


def test_commune_unit_submits_without_a_meeting(yen_phong, post_feature):
    body = feature(source_kind="school", source_name="Trường THCS Chờ", coordinates=inside(CHO))
    response = post_feature("xa.09193", body)
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["village"] is None and props["source_kind"] == "school" and props["source_name"] == "Trường THCS Chờ"


def test_lines_and_polygons_are_accepted(yen_phong, post_feature):
    lon, lat = inside("09193-01")
    line = {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.001, lat + 0.0005]]}
    area = {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.001, lat], [lon + 0.001, lat + 0.001], [lon, lat + 0.001], [lon, lat]]]}
    assert post_feature("thon.09193-01", feature(geometry=line)).status_code == 201
    assert post_feature("thon.09193-01", feature(geometry=area, sector="agriculture")).status_code == 201


@pytest.mark.parametrize(
    "change, field",
    [
        ({"coordinates": None, "geometry": {"type": "Point", "coordinates": [106.3, 21.0]}}, "geometry"),
        ({"geometry": {"type": "Polygon", "coordinates": [[[105.95, 21.2], [105.96, 21.21], [105.96, 21.2], [105.95, 21.21], [105.95, 21.2]]]}}, "geometry"),
        ({"village": "09196-01"}, "village"),
        ({"estimated_cost": -5}, "estimated_cost"),
        ({"estimated_cost": 12.5}, "estimated_cost"),
        ({"estimated_cost": "nhiều"}, "estimated_cost"),
        ({"estimated_cost": 100, "commune_budget": 80, "residents_cash": 30}, "resources"),
        ({"commune_budget": -1}, "commune_budget"),
        ({"sector": "space_programme"}, "sector"),
        ({"commune": "09163"}, "commune"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_written(yen_phong, post_feature, change, field):
    body = feature(**{k: v for k, v in change.items() if k not in ("geometry", "coordinates")})
    if "geometry" in change:
        body["geometry"] = change["geometry"]
    before, events = count(), ProposalEvent.objects.count()
    response = post_feature("xa.09193", body)
    assert response.status_code == 400, response.content
    errors = response.json()
    flat = {**errors, **errors.get("properties", {})} if isinstance(errors.get("properties"), dict) else errors
    assert field in flat, errors
    assert count() == before and ProposalEvent.objects.count() == events


def test_outside_the_commune_says_so_in_vietnamese(yen_phong, client_for):
    response = client_for("xa.09193").post(URL, feature(coordinates=inside(DUNG_LIET)), content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert "nằm ngoài Thị trấn Chờ" in response.json()["geometry"][0]


@pytest.mark.parametrize("username", ["thon.09196-01", "xa.09196", "huyen.yen-phong", "tinh"])
def test_proposers_outside_the_commune_or_village_are_refused(yen_phong, post_feature, username):
    before = count()
    response = post_feature(username, feature())
    assert response.status_code == 403, (username, response.content)
    assert count() == before


def test_village_head_cannot_propose_for_another_village(yen_phong, post_feature):
    response = post_feature("thon.09193-01", feature(village="09193-02", coordinates=inside("09193-02")))
    assert response.status_code == 403


def create(post_feature, username="thon.09193-01", **properties):
    response = post_feature(username, feature(**properties))
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_role_matrix_for_reading(yen_phong, post_feature, client_for):
    pid = create(post_feature)
    detail = f"{URL}{pid}/"
    for username in ["xa.09193", "thon.09193-01", "huyen.yen-phong", "tinh", "admin"]:
        assert client_for(username).get(detail).status_code == 200, username
    for username in ["xa.09196", "thon.09193-02"]:  # another commune's team; another village before publication
        assert client_for(username).get(detail).status_code == 404, username
    for username in ["huyen.que-vo", "xa.09247"]:  # another district: stopped at the district gate
        assert client_for(username).get(detail).status_code == 404, username
    assert client_for(None).get(detail).status_code == 401


def test_district_staff_read_everything_but_change_nothing(yen_phong, post_feature, client_for):
    pid = create(post_feature)
    staff = client_for("huyen.yen-phong")
    assert pid in [f["id"] for f in staff.get(URL).json()["features"]]
    for action in ("accept", "defer", "reject", "merge"):
        response = staff.post(f"{URL}{pid}/{action}/", {"reason": "x", "duplicates": [pid]}, content_type="application/json")
        assert response.status_code in (400, 403), action
    assert staff.patch(f"{URL}{pid}/", {"properties": {"title": "Khác"}}, content_type="application/json").status_code == 403
    assert Proposal.objects.get(pk=pid).status == "submitted" and Proposal.objects.get(pk=pid).title != "Khác"


def test_planning_team_decides_with_reasons_the_proposer_sees(yen_phong, post_feature, client_for):
    team = client_for("xa.09193")
    first, second, third = (create(post_feature, title=f"Đề xuất {i}") for i in range(3))
    assert team.post(f"{URL}{first}/accept/", {}, content_type="application/json").json()["properties"]["status"] == "accepted"
    assert team.post(f"{URL}{second}/defer/", {}, content_type="application/json").json()["properties"]["status"] == "deferred"
    no_reason = team.post(f"{URL}{third}/reject/", {"reason": "  "}, content_type="application/json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    rejected = team.post(f"{URL}{third}/reject/", {"reason": "Trùng dự án đường huyện"}, content_type="application/json")
    assert rejected.json()["properties"]["status"] == "rejected"
    seen = client_for("thon.09193-01").get(f"{URL}{third}/").json()["properties"]
    assert seen["decision_reason"] == "Trùng dự án đường huyện"
    assert [(e["action"], e["from"], e["to"], e["actor"]["username"]) for e in seen["events"]][-1] == ("rejected", "submitted", "rejected", "xa.09193")
    # A decided proposal cannot be decided again the wrong way, nor edited.
    again = team.post(f"{URL}{first}/defer/", {}, content_type="application/json")
    assert again.status_code == 400
    assert Proposal.objects.get(pk=first).status == "accepted"
    edit = client_for("thon.09193-01").patch(f"{URL}{first}/", {"properties": {"title": "Sửa"}}, content_type="application/json")
    assert edit.status_code == 400


def test_village_head_cannot_decide(yen_phong, post_feature, client_for):
    pid = create(post_feature)
    response = client_for("thon.09193-01").post(f"{URL}{pid}/accept/", {}, content_type="application/json")
    assert response.status_code == 403
    assert Proposal.objects.get(pk=pid).status == "submitted"


def test_status_is_not_a_writable_field(yen_phong, post_feature, client_for):
    pid = create(post_feature)
    client_for("xa.09193").patch(f"{URL}{pid}/", {"properties": {"status": "accepted"}}, content_type="application/json")
    assert Proposal.objects.get(pk=pid).status == "submitted"


def test_update_before_the_decision(yen_phong, post_feature, client_for):
    pid = create(post_feature)
    lon, lat = inside("09193-01")
    response = client_for("thon.09193-01").patch(
        f"{URL}{pid}/", {"geometry": {"type": "Point", "coordinates": [lon + 0.0005, lat]}, "properties": {"estimated_cost": 600_000_000}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["properties"]["estimated_cost"] == 600_000_000
    outside = client_for("thon.09193-01").patch(f"{URL}{pid}/", {"geometry": {"type": "Point", "coordinates": inside(DUNG_LIET)}}, content_type="application/json")
    assert outside.status_code == 400
    assert Proposal.objects.get(pk=pid).estimated_cost == 600_000_000


def test_merge_keeps_both_origins(yen_phong, post_feature, client_for):
    a = create(post_feature, "thon.09193-01", title="Đường liên thôn Đông - Đoài")
    b = create(post_feature, "thon.09193-02", title="Đường liên thôn Đoài - Đông", village="09193-02", coordinates=inside("09193-02"))
    response = client_for("xa.09193").post(f"{URL}{a}/merge/", {"duplicates": [b]}, content_type="application/json")
    assert response.status_code == 200, response.content
    origins = response.json()["properties"]["origins"]
    assert {o["village"] for o in origins} == {"09193-01", "09193-02"}
    assert Proposal.objects.get(pk=b).status == "merged" and Proposal.objects.get(pk=b).merged_into_id == a
    other = create(post_feature, "xa.09196", commune=DUNG_LIET, coordinates=inside(DUNG_LIET))
    across = client_for("xa.09193").post(f"{URL}{a}/merge/", {"duplicates": [other]}, content_type="application/json")
    assert across.status_code == 400
    assert Proposal.objects.get(pk=other).status == "submitted"


def test_rank_sets_the_commune_priorities(yen_phong, post_feature, client_for):
    ids = [create(post_feature, title=f"Ưu tiên {i}") for i in range(3)]
    order = [ids[2], ids[0], ids[1]]
    response = client_for("xa.09193").post(URL + "rank/", {"commune": CHO, "order": order}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert [Proposal.objects.get(pk=pk).commune_rank for pk in order] == [1, 2, 3]
    bad = client_for("xa.09193").post(URL + "rank/", {"commune": CHO, "order": [ids[0], 999999]}, content_type="application/json")
    assert bad.status_code == 400
    assert Proposal.objects.get(pk=ids[2]).commune_rank == 1
    forbidden = client_for("xa.09196").post(URL + "rank/", {"commune": CHO, "order": order}, content_type="application/json")
    assert forbidden.status_code == 403


def test_the_list_comes_in_rank_order_past_ten(yen_phong, post_feature, client_for):
    """Issue 15: the numbering of the page was computed before its ordering, so ranks came as 1, 12, 2, 3…"""
    ids = [create(post_feature, title=f"Xếp hạng {i}") for i in range(14)]
    order = list(reversed(ids))
    team = client_for("xa.09193")
    assert team.post(URL + "rank/", {"commune": CHO, "order": order}, content_type="application/json").status_code == 200
    listed = team.get(URL + "?commune=" + CHO + "&page_size=5000").json()["features"]
    ranks = [f["properties"]["commune_rank"] for f in listed if f["properties"]["commune_rank"] is not None]
    assert ranks[:14] == list(range(1, 15))
    assert [f["id"] for f in listed[:14]] == order


def test_citizens_see_only_published_proposals(yen_phong, post_feature, client_for, client):
    pid = create(post_feature, title="Chưa công khai")
    public = "/d/yen-phong/api/public/proposals/?commune=09193"
    assert pid not in [f["id"] for f in client.get(public).json()["features"]]
    assert client_for("xa.09193").post(URL + "publish/", {"commune": CHO, "ids": [pid]}, content_type="application/json").json() == {"published": 1}
    assert pid in [f["id"] for f in client.get(public).json()["features"]]
    assert client.post(public, {}, content_type="application/json").status_code == 405


def test_late_flag_follows_the_calendar_data(yen_phong, post_feature):
    # Today is after 10 May of this year: next year's plan (step 1 closed on 10 May) takes late proposals.
    late = Proposal.objects.get(pk=create(post_feature))
    assert late.is_late
    # The province moves the deadline for the plan year to the end of the year: no longer late.
    StepDeadline.objects.create(step=PlanStep.PROPOSALS, month=12, day=31, from_plan_year=late.plan_year)
    assert not Proposal.objects.get(pk=create(post_feature)).is_late


def test_search_with_or_without_diacritics_and_filters(yen_phong, post_feature, client_for):
    a = create(post_feature, title="Nâng cấp đường trục thôn")
    b = create(post_feature, title="Xây nhà văn hóa", sector="culture_sport")
    team = client_for("xa.09193")
    for q in ("đường trục", "duong truc", "DUONG"):
        ids = [f["id"] for f in team.get(URL, {"q": q}).json()["features"]]
        assert a in ids and b not in ids, q
    ids = [f["id"] for f in team.get(URL, {"sector": "culture_sport", "village": "09193-01", "status": "submitted", "source": "village"}).json()["features"]]
    assert b in ids and a not in ids


def test_bbox_and_clusters(yen_phong, post_feature, client_for):
    pid = create(post_feature)
    lon, lat = inside("09193-01")
    team = client_for("xa.09193")
    near = team.get(URL, {"bbox": f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"}).json()
    far = team.get(URL, {"bbox": "106.2,21.0,106.21,21.01"}).json()
    assert pid in [f["id"] for f in near["features"]] and far["count"] == 0
    clusters = team.get(URL + "clusters/", {"zoom": 8}).json()
    assert sum(f["properties"]["count"] for f in clusters["features"]) == Proposal.objects.filter(commune__code=CHO).count()
    assert team.get(URL + "clusters/", {"zoom": 99}).status_code == 400
    assert team.get(URL, {"bbox": "1,2"}).status_code == 400


def test_list_query_count_does_not_grow_with_features(yen_phong, post_feature, client_for, django_assert_num_queries):
    team = client_for("xa.09193")
    create(post_feature)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        team.get(URL)
    for i in range(15):
        create(post_feature, title=f"Thêm {i}")
    with CaptureQueriesContext(connection) as many:
        team.get(URL)
    assert len(many) == len(few)


def test_pagination(yen_phong, post_feature, client_for):
    for i in range(3):
        create(post_feature, title=f"Trang {i}")
    team = client_for("xa.09193")
    first = team.get(URL, {"page_size": 2}).json()
    assert len(first["features"]) == 2 and first["next"]
    assert team.get(URL, {"page_size": 0}).status_code == 400
    assert team.get(URL, {"page": "x"}).status_code == 400


def test_proposal_pages_staff_and_public(yen_phong, post_feature, client_for, client):
    """Issue 15: a page per proposal with its facts, files, history and decision; the public one only once published."""
    pid = create(post_feature, title="Trang chi tiết đề xuất")
    team = client_for("xa.09193")
    assert team.post(f"{URL}{pid}/reject/", {"reason": "Trùng dự án tỉnh"}, content_type="application/json").status_code == 200
    page = team.get(f"/d/yen-phong/proposals/{pid}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trang chi tiết đề xuất" in html and "Trùng dự án tỉnh" in html and 'data-testid="proposal-history"' in html
    from accounts.models import User

    actor = User.objects.get(username="xa.09193")
    actor_name = actor.get_full_name() or actor.username
    assert actor_name in html  # who decided, for staff
    assert client_for("xa.09196").get(f"/d/yen-phong/proposals/{pid}/").status_code == 404  # another commune's team
    assert client.get(f"/d/yen-phong/public/proposals/{pid}/").status_code == 404  # not published
    assert team.post(URL + "publish/", {"commune": CHO}, content_type="application/json").status_code == 200
    public = client.get(f"/d/yen-phong/public/proposals/{pid}/")
    assert public.status_code == 200
    assert "Trùng dự án tỉnh" in public.content.decode() and actor_name not in public.content.decode()
