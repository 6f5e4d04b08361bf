"""Issue 14, part 3: the gates of steps 1 and 4, publishing proposals by plan year, decision dates never in the future."""
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from geo.models import AdministrativeUnit
from plans.models import DistrictFeedback
from proposals.models import Proposal, ProposalStatus
from tests.plans.factories import TEAM, inside_point

D = "/d/yen-phong/api/plans"
P = "/d/yen-phong/api/proposals"


def send(client, url, data=None, method="post"):
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


def complete(client, cycle, step):
    return send(client, f"{D}/cycles/{cycle}/steps/{step}/complete/")


def proposal(tenant, *, year, status=ProposalStatus.SUBMITTED, commune="09193", title="Kênh tưới"):
    _, geom = inside_point(commune)
    with tenant_context(tenant):
        return Proposal.objects.create(commune=AdministrativeUnit.objects.get(code=commune), source_kind="village", plan_year=year,
                                       title=title, sector="irrigation", estimated_cost=100_000_000, geom=geom, status=status,
                                       created_by=User.objects.get(username=f"xa.{commune}"))


def at_step_1(xa, commune="09193", year=2031):
    cycle = send(xa, f"{D}/cycles/", {"commune": commune, "plan_year": year}).json()["id"]
    send(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM}, "put")
    assert complete(xa, cycle, "team").status_code == 200
    return cycle


@pytest.mark.django_db
def test_step_1_needs_every_proposal_of_the_plan_year_decided(client_for, district):
    xa, tenant = client_for("xa.09193"), district("yen-phong")
    cycle = at_step_1(xa)
    undecided = [proposal(tenant, year=2031, title=f"Đề xuất {i}") for i in range(2)]
    proposal(tenant, year=2032)  # next year's proposal does not hold this year's step back
    r = complete(xa, cycle, "proposals")
    assert r.status_code == 400 and "2 đề xuất" in r.json()["proposals"][0], r.content
    assert xa.get(f"{D}/cycles/{cycle}/").json()["step"] == "proposals"
    assert send(xa, f"{P}/{undecided[0].pk}/accept/").status_code == 200
    assert complete(xa, cycle, "proposals").status_code == 400
    assert send(xa, f"{P}/{undecided[1].pk}/reject/", {"reason": "Trùng lặp"}).status_code == 200
    assert complete(xa, cycle, "proposals").status_code == 200


def to_step_4(client_for, tenant, year=2031):
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    cycle = at_step_1(xa, year=year)
    assert complete(xa, cycle, "proposals").status_code == 200
    orientation = send(huyen, f"{D}/orientations/", {"plan_year": year, "title": "Định hướng"}).json()["id"]
    send(huyen, f"{D}/orientations/{orientation}/publish/")
    assert complete(huyen, cycle, "orientation").status_code == 200
    v1 = send(xa, f"{D}/cycles/{cycle}/draft/", {"from_accepted": False}).json()["id"]
    point, _ = inside_point("09193")
    send(xa, f"{D}/{v1}/items/", {"type": "Feature", "geometry": point, "properties": {"title": "Đường", "sector": "transport"}})
    send(xa, f"{D}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": "2026-06-20", "participants": 40, "summary": "ok"})
    assert complete(xa, cycle, "draft").status_code == 200
    return cycle, v1


@pytest.mark.django_db
def test_step_4_needs_the_districts_comments_or_its_no_comments_record(client_for, district):
    huyen, xa = client_for("huyen.yen-phong"), client_for("xa.09193")
    cycle, v1 = to_step_4(client_for, district("yen-phong"))
    r = complete(huyen, cycle, "district_feedback")
    assert r.status_code == 400 and "feedback" in r.json()
    assert send(xa, f"{D}/{v1}/feedback/", {"no_comments": True}).status_code == 403  # the district's record, not the commune's
    r = send(huyen, f"{D}/{v1}/feedback/", {"no_comments": True, "office": "Phòng TC-KH"})
    assert r.status_code == 201 and r.json()["no_comments"] is True
    assert send(huyen, f"{D}/{v1}/feedback/", {"no_comments": True}).status_code == 400  # once
    r = send(huyen, f"{D}/{v1}/feedback/", {"sector": "transport", "body": "Thêm ý kiến"})
    assert r.status_code == 400 and "body" in r.json()  # "no comments" and comments do not mix
    assert send(xa, f"{D}/feedback/{r_id(district)}/answer/", {"answer": "x"}).status_code == 400
    assert complete(huyen, cycle, "district_feedback").status_code == 200


def r_id(district):
    with tenant_context(district("yen-phong")):
        return DistrictFeedback.objects.get(no_comments=True).pk


@pytest.mark.django_db
def test_step_4_with_comments_and_no_comments_after_comments_is_refused(client_for, district):
    huyen = client_for("huyen.yen-phong")
    cycle, v1 = to_step_4(client_for, district("yen-phong"))
    assert send(huyen, f"{D}/{v1}/feedback/", {"sector": "transport", "body": "Làm rõ nguồn vốn"}).status_code == 201
    assert send(huyen, f"{D}/{v1}/feedback/", {"no_comments": True}).status_code == 400
    assert complete(huyen, cycle, "district_feedback").status_code == 200


@pytest.mark.django_db
def test_publishing_proposals_takes_the_plan_year(client_for, district):
    xa, tenant = client_for("xa.09193"), district("yen-phong")
    this_year = proposal(tenant, year=2031, status=ProposalStatus.ACCEPTED)
    next_year = proposal(tenant, year=2032)
    r = send(xa, f"{P}/publish/", {"commune": "09193", "plan_year": 2031})
    assert r.status_code == 200 and r.json()["published"] == 1
    with tenant_context(tenant):
        assert Proposal.objects.get(pk=this_year.pk).is_published and not Proposal.objects.get(pk=next_year.pk).is_published
    r = send(xa, f"{P}/publish/", {"commune": "09193", "plan_year": 2031, "ids": [next_year.pk]})
    assert r.status_code == 400 and "ids" in r.json()
    with tenant_context(tenant):
        assert not Proposal.objects.get(pk=next_year.pk).is_published


@pytest.mark.django_db
def test_every_decision_date_in_the_future_is_refused(client_for, district):
    from investment.models import PlanKind
    from investment.services import plan_create

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    huyen = client_for("huyen.yen-phong")
    with tenant_context(district("yen-phong")):
        plan = plan_create(actor=User.objects.get(username="huyen.yen-phong"), kind=PlanKind.MEDIUM_TERM, name="Trung hạn", start_year=2026)
    connection.set_schema_to_public()
    base = "/d/yen-phong/api/investment-plans"
    assert send(huyen, f"{base}/{plan.pk}/submit/").status_code == 200
    r = send(huyen, f"{base}/{plan.pk}/approve/", {"decision_number": "1/QĐ", "decision_date": tomorrow})
    assert r.status_code == 400 and "decision_date" in r.json(), r.content
    assert huyen.get(f"{base}/{plan.pk}/").json()["state"] == "submitted"
