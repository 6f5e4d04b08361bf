"""Who acted, when, and what was done, said one way in every answer (issue 17, "One event model", review of the merged
tree): a person is `{username, name}` (`accounts.events.person_output`, `EventActorOutput`) or null; a date-time is
ISO 8601 in Asia/Ho_Chi_Minh with `+07:00` (`moment_output`, `core.renderers`, `geo.layers.moment_sql`); every event's
`action_label` is words, not the code.

The walks read real answers through the middleware from a district holding the demo's cycles, plans, M&E plans and
reports, an investment plan and project, and a review note with its answer."""
import re
from datetime import date

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tests.accounts.test_event_shape import EVENT_ROUTES, answered_properties, rich_district, success_answers  # noqa: F401

pytestmark = pytest.mark.django_db

MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+07:00$")
LOOKS_LIKE_A_MOMENT = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
# A date is ISO 8601, yyyy-mm-dd (docs/API.md, "Conventions"); anything else shaped like a day is one written for a reader.
DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
LOOKS_LIKE_A_DAY = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$")
# The keys that name who did something (the event's own `actor` is checked by test_event_shape).
WHO_KEYS = {"done_by", "approved_by", "recorded_by", "uploaded_by", "author", "created_by", "by"}
ACTOR_REF = "#/components/schemas/" + "EventActor"


@pytest.fixture
def reviewed_district(rich_district):  # noqa: F811
    """`rich_district` with a pinned review note on a commune's project and the commune's answer."""
    from django.contrib.gis.geos import Point

    from accounts.models import User
    from geo.models import AdministrativeUnit
    from investment.models import InvestmentProject
    from investment.services import review_answer, review_create
    from proposals.models import VillageMeeting

    with tenant_context(rich_district):
        project = InvestmentProject.objects.get(code="EV-1")
        review = review_create(district=rich_district, actor=User.objects.get(username="huyen.yen-phong"), project=project,
                               comment="Xem lại tuyến", location=Point(106.0, 21.2, srid=4326))
        review_answer(review=review, actor=User.objects.get(username="xa.09193"), text="Đã xem lại")
        # A dated project and a village meeting: their dates were dd/mm/yyyy in lists and OGC items (review rv17c, 3).
        InvestmentProject.objects.filter(pk=project.pk).update(decision_number="12/QĐ-UBND", decision_date=date(2026, 3, 5))
        units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=["09193", "09193-01"])}
        VillageMeeting.objects.create(commune=units["09193"], village=units["09193-01"], plan_year=2027, held_on=date(2026, 4, 20),
                                      place="Nhà văn hóa thôn", chair="Trưởng thôn", participants=40,
                                      created_by=User.objects.get(username="thon.09193-01"))
    connection.set_schema_to_public()
    return rich_district


def ids(district, model, **filters):
    with tenant_context(district):
        return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True))


def main_urls(district):
    """The main API answers: lists and details of proposals, plan cycles and versions, investment plans and projects,
    M&E plans and reports, reviews, the inbox, and OGC items of the layers with date-times and people."""
    from investment.models import InvestmentProject, PublicInvestmentPlan
    from monitoring.models import MEPlan, PeriodicReport
    from plans.models import CommunePlan, PlanCycle
    from proposals.models import Proposal, VillageMeeting

    d = "/d/yen-phong/api/"
    urls = [f"{d}proposals/", f"{d}plans/cycles/", f"{d}investment-plans/", f"{d}investment-projects/", f"{d}monitoring/plans/",
            f"{d}monitoring/reports/", f"{d}reviews/", f"{d}monitoring/evidence/", f"{d}monitoring/findings/", "/api/me/inbox/",
            "/d/yen-phong/ogc/collections/review-notes/items", "/d/yen-phong/ogc/collections/proposals/items",
            "/d/yen-phong/ogc/collections/evidence-photos/items", f"{d}village-meetings/",
            "/d/yen-phong/ogc/collections/village-meetings/items", "/d/yen-phong/ogc/collections/investment-projects/items"]
    urls += [f"{d}proposals/{pk}/" for pk in ids(district, Proposal)[:5]]
    urls += [f"{d}village-meetings/{pk}/" for pk in ids(district, VillageMeeting)]
    urls += [f"{d}plans/cycles/{pk}/" for pk in ids(district, PlanCycle)]
    urls += [f"{d}plans/{pk}/" for pk in ids(district, CommunePlan)]
    urls += [f"{d}plans/{pk}/feedback/" for pk in ids(district, CommunePlan)[:3]]
    urls += [f"{d}investment-plans/{pk}/" for pk in ids(district, PublicInvestmentPlan)]
    urls += [f"{d}investment-projects/{pk}/" for pk in ids(district, InvestmentProject)]
    urls += [f"{d}monitoring/plans/{pk}/" for pk in ids(district, MEPlan)]
    urls += [f"{d}monitoring/reports/{pk}/" for pk in ids(district, PeriodicReport)]
    return urls


def values(body, key=None):
    """Every (key, value) of a JSON body, nested ones included."""
    if isinstance(body, dict):
        for k, v in body.items():
            yield k, v
            yield from values(v, k)
    elif isinstance(body, list):
        for v in body:
            yield from values(v, key)


def answers(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        yield url, response.json()


def test_every_answer_names_people_and_times_one_way(client_for, reviewed_district):
    bad, moments, people = [], 0, set()
    for url, body in answers(client_for("huyen.yen-phong"), main_urls(reviewed_district)):
        for key, value in values(body):
            if isinstance(value, str) and LOOKS_LIKE_A_MOMENT.match(value):
                moments += 1
                if not MOMENT.match(value):
                    bad.append(f"{url} {key}: {value!r}")
            if key in WHO_KEYS and value is not None:
                people.add(key)
                if not (isinstance(value, dict) and set(value) == {"username", "name"} and value["username"] and value["name"]):
                    bad.append(f"{url} {key}: {value!r} is not the person shape")
    assert bad == [], "\n".join(bad)
    assert moments > 50
    # Steps done, authors of review notes and their answers: the answers that named people their own way did.
    assert {"done_by", "author"} <= people, people


def test_every_answer_writes_dates_one_way(client_for, reviewed_district):
    """Every date-looking value of the walked answers (lists, details, OGC items of SQL layers) is yyyy-mm-dd: a
    village meeting's `held_on` and a project's `decision_date` were dd/mm/yyyy in lists and OGC items."""
    bad, days = [], {}
    for url, body in answers(client_for("huyen.yen-phong"), main_urls(reviewed_district)):
        for key, value in values(body):
            if isinstance(value, str) and LOOKS_LIKE_A_DAY.match(value):
                days.setdefault(key, set()).add(value)
                if not DAY.match(value):
                    bad.append(f"{url} {key}: {value!r}")
    assert bad == [], "\n".join(bad)
    assert {"2026-04-20"} <= days["held_on"] and {"2026-03-05"} <= days["decision_date"], days


def test_the_schema_documents_dates_as_dates(api_schema):
    """The dates the walk reads are declared `format: date` wherever an answer carries them."""
    wrong, seen = [], set()
    for path, method, code in success_answers(api_schema):
        for where, key, inner in answered_properties(api_schema, path, method, code):
            if key in {"held_on", "decision_date"}:
                seen.add(key)
                if inner.get("format") != "date":
                    wrong.append(f"{path} {where}.{key}: {inner}")
    assert wrong == [], "\n".join(sorted(set(wrong)))
    assert seen == {"held_on", "decision_date"}


def test_the_schema_documents_every_person_as_the_one_shape(api_schema):
    wrong, seen = [], set()
    for path, method, code in success_answers(api_schema):
        for where, key, inner in answered_properties(api_schema, path, method, code):
            if key in WHO_KEYS:
                seen.add(key)
                ref = inner.get("$ref") or (inner.get("allOf") or [{}])[0].get("$ref", "")
                described = set(inner.get("properties", {})) == {"username", "name"}  # an SQL layer's PERSON_SCHEMA
                if not (ref.endswith(("/EventActorOutput", "/EventActor")) or described):
                    wrong.append(f"{where}.{key}: {inner}")
    assert wrong == [], "\n".join(sorted(set(wrong)))
    assert {"done_by", "approved_by", "recorded_by", "uploaded_by", "author"} <= seen, seen


def test_an_sql_layer_names_people_and_times_like_the_rest(client_for, reviewed_district):
    url = "/d/yen-phong/ogc/collections/review-notes/items"
    (feature,) = [f for f in client_for("huyen.yen-phong").get(url).json()["features"] if f["properties"]["comment"] == "Xem lại tuyến"]
    note = feature["properties"]
    assert note["author"]["username"] == "huyen.yen-phong" and note["author"]["name"]
    assert MOMENT.match(note["created_at"]) and MOMENT.match(note["answers"][0]["created_at"])
    assert note["answers"][0]["author"]["username"] == "xa.09193"


def test_every_event_says_what_was_done_in_words(client_for, reviewed_district):
    """Every event of every record of every events-carrying route, under lang=vi: a label that is not the code."""
    from investment.models import InvestmentProject, PublicInvestmentPlan
    from monitoring.models import MEPlan, PeriodicReport
    from plans.models import CommunePlan, PlanCycle
    from proposals.models import Proposal

    models = (Proposal, CommunePlan, PlanCycle, PublicInvestmentPlan, InvestmentProject, MEPlan, PeriodicReport)
    client = client_for("huyen.yen-phong")
    codes, bare = set(), []
    for route, model in zip(EVENT_ROUTES, models, strict=True):
        for pk in ids(reviewed_district, model):
            url = route.replace("{district}", "yen-phong").format(id=pk)
            response = client.get(url, {"lang": "vi"})
            assert response.status_code == 200, url
            body = response.json()
            for event in (body.get("properties") or body)["events"]:
                codes.add((model.__name__, event["action"]))
                if event["action_label"] == event["action"]:
                    bare.append(f"{url}: {event['action']}")
    assert bare == [], "\n".join(sorted(set(bare)))
    assert {m for m, _code in codes} == {m.__name__ for m in models}  # every kind of record had events to label
