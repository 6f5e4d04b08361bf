"""Inside one district nobody reaches past their scope: every route and method, read from the district URL configuration.

Five scenarios in Yên Phong (Thị trấn Chờ 09193 with villages 09193-01 and 09193-02; Xã Dũng Liệt 09196):
- village against village: the head of 09193-01 against 09193-02's draft proposal, meeting and report (and the other
  commune's objects);
- commune against commune: Chờ's planning team against Dũng Liệt's objects;
- village head against commune-level objects: the head of 09193-01 against its own commune's plan cycle, plan, items,
  comments, M&E plan, projects, reviews, the commune team's school proposal and the district's investment plan (it may
  read most of them, it may change none);
- a citizen, and an anonymous caller.

Every path parameter is filled with the scenario's target of that kind, so a route added later is either covered or
fails `test_every_district_route_has_a_target_kind` until its kind is named here. A write must be refused (401, 403,
404, or 405 for a method the route lacks) and leave every table of the district schema and the province rollup exactly
as it was; a read of an object the user may not know must be a 404; no answer may carry a secret of the target (its
title, place, the name a resident gave…).
"""
import json
import re
from datetime import date

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver

from accounts.models import Role, User
from config import urls_district
from geo.guard import parse_geometry
from geo.models import AdministrativeUnit
from tests.investment.factories import make_draft_item, make_plan, make_project
from tests.proposals.conftest import inside

pytestmark = pytest.mark.django_db

D = "/d/yen-phong/"
A, A1, A2, B, B1 = "09193", "09193-01", "09193-02", "09196", "09196-01"
METHODS = ("get", "post", "put", "patch", "delete")
REFUSED = {401, 403, 404, 405}


def district_routes(patterns=urls_district.urlpatterns, prefix=""):
    """Every district route as written in the URL configuration (path parameters kept)."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from district_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


# The public routes bypass the district gate (read-only, published objects only); a regex route starts with "^".
# The OGC API (ogc/…) lets anonymous callers read the published layers and is tested on its own (tests/geo/test_ogc.py);
# the layer downloads and vector tiles name a layer, not an object, and read the layer kit's rows (the same scopes as the
# layer routes here): their isolation by district, commune and village is tested in tests/geo/test_downloads.py and
# tests/geo/test_tiles.py.
ROUTES = sorted(r for r in set(district_routes()) if not r.lstrip("^").startswith(("api/public/", "public/", "ogc", "tiles", "api/downloads")))

# The kind of object a route's first path parameter names, by the route's beginning (first match wins).
KINDS = [
    (r"(api/)?proposals/<int:pk>/", "proposal"),
    (r"api/investment-chain/proposals/<int:pk>/", "proposal"),
    (r"api/village-meetings/<int:pk>/", "meeting"),
    (r"api/commune-units/<int:pk>/", "commune_unit"),
    (r"(api/)?plans/cycles/<int:pk>/", "cycle"),
    (r"api/plans/orientations/<int:pk>/", "orientation"),
    (r"api/plans/items/<int:pk>/", "plan_item"),
    (r"api/investment-plan-items/<int:pk>/", "plan_item"),
    (r"api/plans/targets/<int:pk>/", "target"),
    (r"api/plans/feedback/<int:pk>/", "feedback"),
    (r"api/plans/comments/<int:pk>/", "comment"),
    (r"api/plans/<int:pk>/", "plan"),
    (r"api/investment-plans/<int:pk>/", "investment_plan"),
    (r"api/investment-projects/<int:pk>/", "project"),
    (r"api/reviews/<int:pk>/", "review"),
    (r"(api/)?monitoring/plans/<int:pk>/", "me_plan"),
    (r"api/monitoring/reports/<int:pk>/", "report"),
    (r"api/duties/corrections/<int:pk>/", "correction"),
    (r"api/duties/difficulties/<int:pk>/", "difficulty"),
    (r"\^files/", "file"),  # the download route (a regex): filled with the staff URL of the target's file
]


def kind_of(route):
    if "<" not in route:
        return None
    for pattern, kind in KINDS:
        if re.match(pattern, route):
            return kind
    return "unknown"


def concrete(route, targets):
    """The route with its parameters filled: the target of its kind, and `step` with the cycle's current step."""
    kind = kind_of(route)
    if kind == "file":
        return targets["file"]
    path = re.sub(r"<str:step>", "draft", route)
    return re.sub(r"<int:\w+>", str(targets[kind]) if kind in targets else "1", path)


def test_every_district_route_has_a_target_kind():
    assert [r for r in ROUTES if kind_of(r) == "unknown"] == []
    assert "api/proposals/<int:pk>/" in ROUTES and "api/investment-chain/proposals/<int:pk>/" in ROUTES


def fingerprint():
    """One hash of every row of every table of the district schema and of the province's rollup tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND "
            "(table_schema = %s OR (table_schema = 'public' AND table_name LIKE 'province\\_%%')) ORDER BY 1, 2",
            [connection.schema_name],
        )
        tables = cursor.fetchall()
        parts = " UNION ALL ".join(
            f"SELECT '{s}.{t}' AS name, (SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM \"{s}\".\"{t}\" x) AS h"
            for s, t in tables
        )
        cursor.execute(f"SELECT md5(string_agg(name || h, ',' ORDER BY name)) FROM ({parts}) AS all_tables")
        return cursor.fetchone()[0]


def point(code):
    return parse_geometry({"type": "Point", "coordinates": inside(code)})


def stored_file(name, content, content_type, field):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from files.uploads import checked_file

    return checked_file(SimpleUploadedFile(name, content, content_type=content_type), field=field)


def file_path(field_file):
    """The download URL the API gives for a stored file, relative to the district prefix."""
    assert field_file.url.startswith(D + "files/"), field_file.url
    return field_file.url[len(D):]


@pytest.fixture
def world(district, settings, tmp_path):
    """Objects of both communes and both villages, each carrying a secret text that must not reach an outsider."""
    from investment import services as investment_services
    from investment.models import InvestmentProject
    from monitoring import services as monitoring_services
    from monitoring.models import MEPlan, PeriodicReport
    from plans.models import DistrictFeedback, Orientation, PublicComment, SocioEconomicTarget
    from proposals import services as proposal_services
    from proposals.models import VillageMeeting

    d = district("yen-phong")
    connection.set_tenant(d)
    user = {name: User.objects.get(username=name) for name in (f"xa.{A}", f"xa.{B}", f"thon.{A1}", f"thon.{A2}", "huyen.yen-phong")}
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=[A, A1, A2, B, B1])}
    w = {}

    def proposal(actor, commune, title, village=None, **extra):
        return proposal_services.proposal_create(actor=user[actor], district=d, commune_code=commune, village_code=village,
                                                 geom=point(village or commune), title=title, sector="transport",
                                                 estimated_cost=500_000_000, **extra).pk

    w["proposal_A2"] = proposal(f"thon.{A2}", A, "MẬT-A2 đề xuất", A2)
    w["proposal_B"] = proposal(f"xa.{B}", B, "MẬT-B đề xuất", B1)
    w["proposal_A_commune"] = proposal(f"xa.{A}", A, "Trường học cấp xã", source_kind="school", source_name="Trường THCS")
    proposal_services.proposals_publish(actor=user[f"xa.{A}"], district=d, commune_code=A, ids=[w["proposal_A_commune"]])

    def meeting(actor, commune, village, place):
        return VillageMeeting.objects.create(commune=units[commune], village=units[village], plan_year=2027, held_on=date(2026, 4, 1),
                                             place=place, chair="Chủ trì", participants=50, created_by=user[actor]).pk

    from proposals.models import CommuneUnit

    w["commune_unit_A"] = CommuneUnit.objects.create(commune=units[A], kind="school", name="Trường THCS Chờ (lưới)").pk
    w["commune_unit_B"] = CommuneUnit.objects.create(commune=units[B], kind="enterprise", name="MẬT-B đơn vị").pk

    w["meeting_A1"] = meeting(f"thon.{A1}", A, A1, "Nhà văn hóa thôn 1")
    w["meeting_A2"] = meeting(f"thon.{A2}", A, A2, "MẬT-A2 nơi họp")
    w["meeting_B"] = meeting(f"xa.{B}", B, B1, "MẬT-B nơi họp")

    item_a = make_draft_item(d, commune=A, title="Đường trục xã Chờ")
    item_b = make_draft_item(d, commune=B, title="MẬT-B hạng mục", lonlat=[106.0012, 21.2458])
    for key, item, commune in (("A", item_a, A), ("B", item_b, B)):
        plan = item.plan
        w[f"plan_item_{key}"], w[f"plan_{key}"], w[f"cycle_{key}"] = item.pk, plan.pk, plan.cycle_id
        w[f"target_{key}"] = SocioEconomicTarget.objects.create(plan=plan, indicator=f"MẬT-{key} chỉ tiêu" if key == "B" else "Thu nhập",
                                                                unit="%", next_target=5).pk
        w[f"feedback_{key}"] = DistrictFeedback.objects.create(plan=plan, body=f"MẬT-{key} góp ý" if key == "B" else "Góp ý huyện",
                                                               author=user["huyen.yen-phong"]).pk
        w[f"comment_{key}"] = PublicComment.objects.create(plan=plan, author_name=f"MẬT-{key} người dân", body="ý kiến chờ duyệt").pk
        w[f"me_plan_{key}"] = MEPlan.objects.create(plan=plan, commune=units[commune], year=2027, created_by=user[f"xa.{commune}"]).pk
    w["comment_A_published"] = PublicComment.objects.create(plan_id=w["plan_A"], author_name="Người đã đăng", body="ý kiến",
                                                            status=PublicComment.Status.PUBLISHED).pk
    period = monitoring_services.periods_ensure(year=2027)[0]
    w["report_A2"] = PeriodicReport.objects.create(me_plan_id=w["me_plan_A"], period=period, village=units[A2], problems="MẬT-A2 báo cáo",
                                                   created_by=user[f"thon.{A2}"]).pk
    w["report_A"] = PeriodicReport.objects.create(me_plan_id=w["me_plan_A"], period=period, problems="Báo cáo xã", created_by=user[f"xa.{A}"]).pk
    w["report_B"] = PeriodicReport.objects.create(me_plan_id=w["me_plan_B"], period=period, problems="MẬT-B báo cáo", created_by=user[f"xa.{B}"]).pk
    # The district's own duties (Đ16.4, Đ19): an inspection of each commune with a correction, a difficulty of each.
    from duties.models import Correction, Difficulty, Inspection

    for key, commune in (("A", A), ("B", B)):
        inspection = Inspection.objects.create(commune=units[commune], inspected_on=date(2026, 5, 20), subject=f"MẬT-{key} kiểm tra" if key == "B" else "Kiểm tra",
                                               findings="Phát hiện", created_by=user["huyen.yen-phong"])
        w[f"correction_{key}"] = Correction.objects.create(inspection=inspection, description="Khắc phục", due_on=date(2026, 6, 30)).pk
        w[f"difficulty_{key}"] = Difficulty.objects.create(commune=units[commune], title=f"MẬT-{key} khó khăn" if key == "B" else "Khó khăn xã",
                                                           body="Nội dung", raised_by=user[f"xa.{commune}"]).pk
    w["orientation"] = Orientation.objects.create(plan_year=2027, title="MẬT định hướng chưa gửi", created_by=user["huyen.yen-phong"]).pk

    # Files of commune A's village 2 (an unpublished proposal's attachment, the meeting's minutes, a photo of the village's
    # report), of commune B's proposal, and of the commune-level school proposal (published).
    from monitoring.models import EvidencePhoto
    from proposals.models import Attachment
    from tests.files.conftest import PDF, png

    settings.MEDIA_ROOT = tmp_path
    for key, actor in (("proposal_A2", f"thon.{A2}"), ("proposal_B", f"xa.{B}"), ("proposal_A_commune", f"xa.{A}")):
        checked = stored_file("MẬT ảnh.png", png(), "image/png", "file")
        attachment = Attachment.objects.create(proposal_id=w[key], file=checked, name=checked.original_name, content_type="image/png",
                                               size=checked.size, uploaded_by=user[actor])
        w[f"file_{key}"] = file_path(attachment.file)
    meeting_a2 = VillageMeeting.objects.get(pk=w["meeting_A2"])
    meeting_a2.minutes = stored_file("biên bản.pdf", PDF, "application/pdf", "minutes")
    meeting_a2.minutes_name = "biên bản.pdf"
    meeting_a2.save()
    w["file_meeting_A2"] = file_path(meeting_a2.minutes)
    photo = EvidencePhoto.objects.create(me_plan_id=w["me_plan_A"], report_id=w["report_A2"], photo=stored_file("ảnh.png", png(), "image/png", "photo"),
                                         photo_name="ảnh.png", content_type="image/png", location=point(A2), uploaded_by=user[f"thon.{A2}"])
    w["file_report_A2"] = file_path(photo.photo)

    investment_plan = make_plan(d)
    w["investment_plan"] = investment_plan.pk
    w["project_A"] = make_project(d, code="DA-CHO", plan=investment_plan, communes=[A]).pk
    w["project_B"] = make_project(d, code="MAT-B-DA", plan=investment_plan, communes=[B], geometry={"type": "Point", "coordinates": [106.0012, 21.2458]}).pk
    for key, commune in (("A", A), ("B", B)):
        project = InvestmentProject.objects.get(pk=w[f"project_{key}"])
        w[f"review_{key}"] = investment_services.review_create(district=d, actor=user["huyen.yen-phong"], project=project, decision="",
                                                               comment=f"MẬT-{key} thẩm định" if key == "B" else "Ý kiến thẩm định",
                                                               location=point(commune)).pk
    return w


# Each scenario: who calls, the target of each kind, which kinds the caller may not know exist (a read must be 404),
# the secrets no answer may carry, a body for writes without a path parameter, and whether those are tested.
def scenarios(w):
    b_targets = {"proposal": w["proposal_B"], "meeting": w["meeting_B"], "cycle": w["cycle_B"], "plan": w["plan_B"],
                 "plan_item": w["plan_item_B"], "target": w["target_B"], "feedback": w["feedback_B"], "comment": w["comment_B"],
                 "me_plan": w["me_plan_B"], "report": w["report_B"], "project": w["project_B"], "review": w["review_B"],
                 "investment_plan": w["investment_plan"], "orientation": w["orientation"], "file": w["file_proposal_B"],
                 "correction": w["correction_B"], "difficulty": w["difficulty_B"],
                 "commune_unit": w["commune_unit_B"]}
    b_hidden = set(b_targets) - {"investment_plan", "orientation"}
    b_secrets = ["MẬT-B", "MAT-B", "MẬT định hướng"]
    a2_secrets = ["MẬT-A2", "MẬT-A người dân", "MẬT định hướng"]
    return {
        "village_vs_village": dict(
            user=f"thon.{A1}", targets={**b_targets, "proposal": w["proposal_A2"], "meeting": w["meeting_A2"], "report": w["report_A2"],
                                        "comment": w["comment_A"], "file": w["file_proposal_A2"]},
            hidden=b_hidden, secrets=a2_secrets + b_secrets, body_for={"commune": A, "village": A2}, collections=True),
        "commune_vs_commune": dict(
            user=f"xa.{A}", targets=b_targets, hidden=b_hidden, secrets=b_secrets, body_for={"commune": B, "village": B1}, collections=True),
        "village_vs_commune_level": dict(
            user=f"thon.{A1}",
            targets={"proposal": w["proposal_A_commune"], "meeting": w["meeting_A1"], "cycle": w["cycle_A"], "plan": w["plan_A"],
                     "plan_item": w["plan_item_A"], "target": w["target_A"], "feedback": w["feedback_A"], "comment": w["comment_A_published"],
                     "me_plan": w["me_plan_A"], "report": w["report_A"], "project": w["project_A"], "review": w["review_A"],
                     "investment_plan": w["investment_plan"], "orientation": w["orientation"], "file": w["file_proposal_A_commune"],
                     "correction": w["correction_A"], "difficulty": w["difficulty_A"],
                     "commune_unit": w["commune_unit_A"]},
            hidden={"report"}, secrets=a2_secrets, body_for=None, collections=False),
    }


def write_body(w, commune, village):
    """One body that passes the input checks of most write routes, aimed at the target commune and village."""
    lon, lat = inside(village)
    return {
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"commune": commune, "village": village, "title": "Ghi đè", "sector": "transport", "estimated_cost": 1},
        "commune": commune, "village": village, "order": [], "ids": [], "plan_year": 2030, "title": "Ghi đè", "kind": "revised",
        "body": "Ghi đè", "text": "Ghi đè", "comment": "Ghi đè", "answer": "Ghi đè", "reason": "Ghi đè", "note": "Ghi đè",
        "decision": "publish", "summary": "Ghi đè", "held_on": "2026-06-01", "participants": 10, "place": "Ghi đè", "chair": "Ghi đè",
        "closes_on": "2030-01-01", "duplicates": [w["proposal_A_commune"]], "plan": w["plan_B"], "me_plan": w["me_plan_B"],
        "estimated_cost": 1, "indicator": "Ghi đè", "unit": "%", "next_target": 1, "name": "Ghi đè", "start_year": 2026,
        "author_name": "Ghi đè", "amount": 1, "paid_on": "2026-06-01",
    }


def call(client, method, url, body):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def run_grid(client, name, scenario, w, counter):
    problems = []
    body_for = scenario["body_for"] or {"commune": A, "village": A1}
    body = write_body(w, body_for["commune"], body_for["village"])
    for route in ROUTES:
        kind = kind_of(route)
        if kind is None and not scenario["collections"]:
            continue
        url = D + concrete(route, scenario["targets"])
        for method in METHODS:
            before = fingerprint() if method != "get" else None
            response = call(client, method, url, body)
            counter.append((name, route, method))
            status, content = response.status_code, response.getvalue().decode("utf-8", "replace")  # a download streams
            leaked = [s for s in scenario["secrets"] if s in content]
            if leaked:
                problems.append(f"{name} {method.upper()} {url}: {status} reveals {leaked}")
            if method == "get":
                if kind in scenario["hidden"] and status not in (404, 405):
                    problems.append(f"{name} GET {url}: {status}, expected 404")
                continue
            allowed = REFUSED | ({400, 415} if kind is None else set())
            if status not in allowed:
                problems.append(f"{name} {method.upper()} {url}: {status} {content[:150]!r}")
            if fingerprint() != before:
                problems.append(f"{name} {method.upper()} {url}: {status} and the database changed")
    return problems


@pytest.mark.parametrize("name", ["village_vs_village", "commune_vs_commune", "village_vs_commune_level"])
def test_users_inside_the_district_reach_nothing_outside_their_scope(client_for, world, name):
    scenario = scenarios(world)[name]
    counter = []
    problems = run_grid(client_for(scenario["user"]), name, scenario, world, counter)
    print(f"\n{name}: {len(counter)} requests ({len({r for _, r, _ in counter})} routes × {len(METHODS)} methods)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", ["citizen", "anonymous"])
def test_citizens_and_anonymous_callers_reach_nothing(client_for, world, who):
    if who == "citizen":
        citizen, _ = User.objects.get_or_create(username="citizen.district", defaults={"role": Role.CITIZEN})
        client = client_for(citizen.username)
    else:
        client = client_for(None)
    targets = {"proposal": world["proposal_A2"], "meeting": world["meeting_A1"], "cycle": world["cycle_A"], "plan": world["plan_A"],
               "plan_item": world["plan_item_A"], "target": world["target_A"], "feedback": world["feedback_A"],
               "comment": world["comment_A"], "me_plan": world["me_plan_A"], "report": world["report_A"], "project": world["project_A"],
               "review": world["review_A"], "investment_plan": world["investment_plan"], "orientation": world["orientation"],
               "file": world["file_proposal_A2"], "commune_unit": world["commune_unit_A"]}
    problems, count = [], 0
    body = write_body(world, A, A1)
    for route in ROUTES:
        url = D + concrete(route, targets)
        for method in METHODS:
            before = fingerprint() if method != "get" else None
            response = call(client, method, url, body)
            count += 1
            if who == "citizen":
                expected = {404}
            elif route.startswith("api/"):
                expected = {401}
            else:
                expected = {302}  # the login page
            if response.status_code not in expected:
                problems.append(f"{who} {method.upper()} {url}: {response.status_code}")
            if any(s in response.getvalue().decode("utf-8", "replace") for s in ("MẬT", "Chờ", "Dũng Liệt")):
                problems.append(f"{who} {method.upper()} {url}: reveals a name")
            if before is not None and fingerprint() != before:
                problems.append(f"{who} {method.upper()} {url}: the database changed")
    print(f"\n{who}: {count} requests ({len(ROUTES)} routes × {len(METHODS)} methods)")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", [f"thon.{A1}", f"xa.{B}", "citizen", "anonymous"])
def test_nobody_outside_downloads_a_villages_unpublished_files(client_for, world, who):
    """Village 2's unpublished proposal attachment, meeting minutes and report photo, by the URL the API gives their
    owner (staff route) and by the public route: another village's head, another commune's team and a citizen get 404,
    an anonymous caller the login page (staff route) or 404 (public route)."""
    if who == "citizen":
        User.objects.get_or_create(username="citizen.district", defaults={"role": Role.CITIZEN})
        who = "citizen.district"
    client = client_for(None if who == "anonymous" else who)
    owner = client_for(f"thon.{A2}")
    problems = []
    for key in ("file_proposal_A2", "file_meeting_A2", "file_report_A2"):
        staff_url = D + world[key]
        assert owner.get(staff_url).status_code == 200, staff_url  # the owner reads it: the refusals below are not typos
        public_url = staff_url.replace(D + "files/", D + "public/files/")
        for url, expected in ((staff_url, {302} if who == "anonymous" else {404}), (public_url, {404})):
            for method in ("get", "post"):
                status = call(client, method, url, {}).status_code
                if status not in expected | ({405} if method == "post" else set()):
                    problems.append(f"{who} {method.upper()} {url}: {status}")
    assert not problems, "\n".join(problems)
