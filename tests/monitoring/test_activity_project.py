"""Issue 14, part 3: linking an M&E activity to an investment project (PATCH …/monitoring/plans/<id>/) answered 500.

It links a project serving the commune, unlinks with null, and refuses any other project with a 400 on `project`
that changes nothing.
"""
import json

import pytest
from django.db import connection

from monitoring.models import Activity
from tests.investment.factories import DUNG_LIET, make_plan, make_project, point
from tests.monitoring.factories import approved_plan, project_in_commune

pytestmark = pytest.mark.django_db
API = "/d/yen-phong/api/monitoring/"


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_an_activity_links_a_project_of_its_commune_or_gets_a_400(district, client_for):
    yen_phong = district()
    plan = approved_plan(yen_phong)
    ours = project_in_commune(yen_phong)
    elsewhere = make_project(yen_phong, code="DA-KHAC", plan=make_plan(yen_phong, name="KH khác"), geometry=point(DUNG_LIET), communes=["09196"])
    team = client_for("xa.09193")
    me_plan = team.post(API + "plans/", json.dumps({"plan": plan.pk}), content_type="application/json").json()
    activity = me_plan["activities"][0]["id"]

    r = patch(team, API + f"plans/{me_plan['id']}/", {"activities": [{"id": activity, "project": ours.pk}]})
    assert r.status_code == 200, r.content
    connection.set_tenant(yen_phong)
    assert Activity.objects.get(pk=activity).project_id == ours.pk

    for wrong in (999999, elsewhere.pk):  # no such project; a project of another commune
        r = patch(team, API + f"plans/{me_plan['id']}/", {"activities": [{"id": activity, "project": wrong, "responsible": "X"}]})
        assert r.status_code == 400 and "project" in r.json() and "không phục vụ xã" in r.json()["project"][0], r.content
        connection.set_tenant(yen_phong)
        assert Activity.objects.get(pk=activity).project_id == ours.pk and Activity.objects.get(pk=activity).responsible != "X"

    assert patch(team, API + f"plans/{me_plan['id']}/", {"activities": [{"id": activity, "project": None}]}).status_code == 200
    connection.set_tenant(yen_phong)
    assert Activity.objects.get(pk=activity).project_id is None
