"""Lists of objects in the API's input are typed element by element (issue 17): a bad element is a 400 naming the list,
the element's index and its key (`{"members": {"2": {"full_name": [...]}}}`) in the request's language, and writes
nothing; the OpenAPI document gives each element's keys (no list of free-form objects in an input or an answer)."""
import json

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from duties.models import Inspection
from plans.models import ActionProgramme, Orientation, PlanningTeam
from tests.plans.factories import TEAM

PLANS = "/d/yen-phong/api/plans"
DUTIES = "/d/yen-phong/api/duties"


def send(client, method, url, data, lang="vi"):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)


def counts(tenant):
    with tenant_context(tenant):
        return (PlanningTeam.objects.count(), ActionProgramme.objects.count(), Orientation.objects.count(), Inspection.objects.count())


@pytest.fixture
def cycle(client_for):
    return send(client_for("xa.09193"), "post", f"{PLANS}/cycles/", {"commune": "09193", "plan_year": 2027}).json()["id"]


def _team(**change):
    members = [dict(m) for m in TEAM]
    members[2].update(change)
    return {"members": members}


def _programme(task):
    return {"title": "Chương trình", "issued_by": "UBND xã", "issued_on": "2026-01-10",
            "tasks": [{"task": "Khởi công", "assignee": "Ông Cường", "due_on": "2027-04-30"}, task]}


def _orientation(envelope):
    return {"plan_year": 2027, "title": "Định hướng", "envelopes": [
        {"commune": "09193", "sector": "transport", "capital_source": "district_budget", "amount": 2_000_000_000}, envelope]}


def _inspection(correction):
    return {"commune": "09193", "inspected_on": timezone.localdate().isoformat(), "subject": "Kế hoạch 2027", "findings": "Chậm",
            "corrections": [{"description": "Bổ sung biên bản", "due_on": "2099-01-01"}, correction]}


GOOD_TASK = {"task": "Khởi công", "assignee": "Ông Cường", "due_on": "2027-04-30"}
GOOD_ENVELOPE = {"commune": "09196", "sector": "education", "capital_source": "district_budget", "amount": 900_000_000}
GOOD_CORRECTION = {"description": "Sửa", "due_on": "2099-02-01"}

# (who, method, url, body, the key the error names at index 2 or 1); each malformed in one way: wrong type, missing key,
# unknown choice, too long, too many, not an object.
CASES = [
    ("xa.09193", "put", "team", _team(full_name={"first": "An"}), ("members", "2", "full_name")),
    ("xa.09193", "put", "team", _team(position=None), ("members", "2", "position")),
    ("xa.09193", "put", "team", _team(represents="x" * 201), ("members", "2", "represents")),
    ("xa.09193", "put", "team", _team(is_leader="perhaps"), ("members", "2", "is_leader")),
    ("xa.09193", "put", "team", {"members": [TEAM[0], TEAM[1], "Lê Văn Cường"]}, ("members", "2", "non_field_errors")),
    ("xa.09193", "put", "team", {"members": [TEAM[1]] * 51}, ("members",)),
    ("xa.09193", "post", "programme", _programme({**GOOD_TASK, "due_on": "31/02/2027"}), ("tasks", "1", "due_on")),
    ("xa.09193", "post", "programme", _programme({"task": "x", "assignee": "y"}), ("tasks", "1", "due_on")),
    ("xa.09193", "post", "programme", _programme({**GOOD_TASK, "item": "first"}), ("tasks", "1", "item")),
    ("xa.09193", "post", "programme", _programme({**GOOD_TASK, "item": 0}), ("tasks", "1", "item")),
    ("xa.09193", "post", "programme", _programme({**GOOD_TASK, "assignee": "y" * 201}), ("tasks", "1", "assignee")),
    ("xa.09193", "post", "programme", {**_programme(GOOD_TASK), "tasks": [GOOD_TASK] * 501}, ("tasks",)),
    ("huyen.yen-phong", "post", "orientations", _orientation({**GOOD_ENVELOPE, "sector": "roads"}), ("envelopes", "1", "sector")),
    ("huyen.yen-phong", "post", "orientations", _orientation({**GOOD_ENVELOPE, "capital_source": 7}), ("envelopes", "1", "capital_source")),
    ("huyen.yen-phong", "post", "orientations", _orientation({**GOOD_ENVELOPE, "amount": -5}), ("envelopes", "1", "amount")),
    ("huyen.yen-phong", "post", "orientations", _orientation({**GOOD_ENVELOPE, "amount": "nhiều"}), ("envelopes", "1", "amount")),
    ("huyen.yen-phong", "post", "orientations", _orientation({k: v for k, v in GOOD_ENVELOPE.items() if k != "commune"}),
     ("envelopes", "1", "commune")),
    ("huyen.yen-phong", "post", "orientations", _orientation({**GOOD_ENVELOPE, "commune": "09205" * 5}), ("envelopes", "1", "commune")),
    ("huyen.yen-phong", "post", "orientations", _orientation({**GOOD_ENVELOPE, "commune": "09277"}), ("envelopes", "1", "commune")),
    ("huyen.yen-phong", "post", "orientations", {"plan_year": 2027, "title": "x", "documents": [{"title": ""}]}, ("documents", "0", "title")),
    ("huyen.yen-phong", "post", "inspections", _inspection({**GOOD_CORRECTION, "due_on": "ngày mai"}), ("corrections", "1", "due_on")),
    ("huyen.yen-phong", "post", "inspections", _inspection({"due_on": "2099-01-01"}), ("corrections", "1", "description")),
    ("huyen.yen-phong", "post", "inspections", _inspection({**GOOD_CORRECTION, "description": "x" * 2001}), ("corrections", "1", "description")),
    ("huyen.yen-phong", "post", "inspections", _inspection([1, 2]), ("corrections", "1", "non_field_errors")),
    ("huyen.yen-phong", "post", "inspections", {**_inspection(GOOD_CORRECTION), "corrections": [GOOD_CORRECTION] * 101}, ("corrections",)),
]


def _url(kind, cycle):
    return {"team": f"{PLANS}/cycles/{cycle}/team/", "programme": f"{PLANS}/cycles/{cycle}/action-programmes/",
            "orientations": f"{PLANS}/orientations/", "inspections": f"{DUTIES}/inspections/"}[kind]


@pytest.mark.django_db
@pytest.mark.parametrize("who,method,kind,body,path", CASES, ids=[".".join(case[-1]) + f"-{n}" for n, case in enumerate(CASES)])
def test_a_malformed_element_is_a_400_naming_it_and_writes_nothing(client_for, district, cycle, who, method, kind, body, path):
    tenant = district("yen-phong")
    before = counts(tenant)
    client = client_for(who)
    answers = {lang: send(client, method, _url(kind, cycle), body, lang=lang) for lang in ("vi", "en")}
    for lang, answer in answers.items():
        assert answer.status_code == 400, (lang, answer.content)
        error = answer.json()
        for key in path:  # {"members": {"2": {"full_name": ["…"]}}}
            assert isinstance(error, dict) and key in error, (path, answer.json())
            error = error[key]
        assert isinstance(error, list) and error and all(isinstance(m, str) and m for m in error), answer.json()
    assert answers["vi"].json() != answers["en"].json()  # the messages follow the language
    assert counts(tenant) == before


@pytest.mark.django_db
def test_well_formed_lists_are_still_taken(client_for, district, cycle):
    tenant = district("yen-phong")
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    assert send(xa, "put", _url("team", cycle), {"members": TEAM}).status_code == 200
    assert send(huyen, "post", _url("orientations", cycle), _orientation({**GOOD_ENVELOPE, "amount": "900.000.000"})).status_code == 201
    answer = send(huyen, "post", _url("inspections", cycle), _inspection({**GOOD_CORRECTION, "due_on": "01/02/2099"}))
    assert answer.status_code == 201, answer.content
    assert [c["due_on"] for c in answer.json()["corrections"]] == ["2099-01-01", "2099-02-01"]
    with tenant_context(tenant):
        assert PlanningTeam.objects.get(cycle_id=cycle).members.count() == len(TEAM)
        assert sorted(Orientation.objects.get().envelopes.values_list("amount", flat=True)) == [900_000_000, 2_000_000_000]


def _schema():
    answer = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200
    return answer.json()


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


@pytest.mark.django_db
@pytest.mark.parametrize("component,field,keys", [
    ("TeamInput", "members", {"full_name", "position", "represents", "is_leader", "is_commune_chairman"}),
    ("ActionProgrammeInput", "tasks", {"task", "assignee", "starts_on", "due_on", "item"}),
    ("OrientationListInput", "envelopes", {"commune", "sector", "capital_source", "amount"}),
    ("InspectionListInput", "corrections", {"description", "due_on"}),
    ("ImportAnswer", "rows", {"row", "status", "id", "label", "record", "cells", "reason"}),
])
def test_the_schema_names_the_keys_of_each_element(component, field, keys):
    schema = _schema()
    components = schema["components"]["schemas"]
    name = next(n for n in components if n in (component, component + "Request"))
    items = _resolve(schema, _resolve(schema, components[name])["properties"][field]["items"])
    assert set(items["properties"]) == keys
