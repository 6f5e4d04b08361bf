"""One event shape in the API (issue 17, review): every answer that carries a record's events lists them under `events`,
each `accounts.events.EventOutput` with the same keys; who acted is an object {username, name}, or null for the public.

Two walks over the served OpenAPI document: the schemas (no answer documents `history`, `transitions`, an `actor` or a
`by` outside the one event shape) and the real answers (every GET route documenting events answers a real, data-rich
object whose events have exactly the keys of the one shape). A fifth shape fails one or the other."""
from datetime import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.events import EVENT_KEYS, event_output
from tests.core.test_openapi import METHODS, resolve, shape_errors
from tests.investment.factories import make_plan, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_district(district):
    """Yên Phong with the demo's plan cycles (fixtures.demo_cycles, through the services: cycles, plan versions, M&E
    plans and reports with their events), an approved investment plan and a project edited once (`changes`)."""
    from accounts.models import User
    from fixtures.demo_cycles import demo_cycles_ensure
    from investment.services import project_update

    yen_phong = district("yen-phong")
    plan = make_plan(yen_phong, approve=True)
    project = make_project(yen_phong, code="EV-1", plan=plan, total=2_000_000_000, sector="transport", communes=["09193"])
    with tenant_context(yen_phong):
        project_update(district=yen_phong, project=project, actor=User.objects.get(username="huyen.yen-phong"), name="Đường EV-1 mới")
    assert demo_cycles_ensure(slugs=["yen-phong"]) > 0
    connection.set_schema_to_public()
    return yen_phong

EVENT_REF = "#/components/schemas/EventOutput"
OLD_KEYS = {"history", "transitions"}
WHO_KEYS = {"actor", "by"}


def walk(document, schema, where, seen, found):
    """Every (where, key, property schema) of the object schemas reachable from `schema`, each component once."""
    ref = schema.get("$ref") or (schema.get("allOf") or [{}])[0].get("$ref")
    if ref:
        if ref in seen:
            return
        seen.add(ref)
        where = ref.rsplit("/", 1)[1]
    schema = resolve(document, schema)
    for alternative in schema.get("oneOf", []):
        walk(document, alternative, where, seen, found)
    if schema.get("type") == "array":
        walk(document, schema.get("items", {}), where, seen, found)
    if isinstance(schema.get("additionalProperties"), dict):
        walk(document, schema["additionalProperties"], where, seen, found)
    for key, inner in schema.get("properties", {}).items():
        found.append((where, key, inner))
        walk(document, inner, f"{where}.{key}", seen, found)


def answered_properties(document, path, method, code):
    found = []
    for content in document["paths"][path][method]["responses"][code].get("content", {}).values():
        walk(document, content["schema"], f"{method.upper()} {path} {code}", set(), found)
    return found


def success_answers(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            if method in METHODS:
                for code in op["responses"]:
                    if code.startswith("2"):
                        yield path, method, code


def documents_events(document, path, method, code):
    return any(key == "events" for _where, key, _inner in answered_properties(document, path, method, code))


def test_every_answer_documents_its_events_in_the_one_shape(api_schema):
    document = api_schema
    wrong, with_events = [], set()
    for path, method, code in success_answers(document):
        for where, key, inner in answered_properties(document, path, method, code):
            if key == "events":
                with_events.add((path, method))
                if inner.get("type") != "array" or inner.get("items", {}).get("$ref") != EVENT_REF:
                    wrong.append(f"{where}.events is not a list of EventOutput")
            if key in OLD_KEYS:
                wrong.append(f"{where}.{key}: an old name of the events")
            if key in WHO_KEYS and where not in ("EventOutput",):
                wrong.append(f"{where}.{key}: who acted, outside the one event shape")
    assert wrong == [], "\n".join(sorted(set(wrong)))
    event = document["components"]["schemas"]["EventOutput"]
    assert set(event["properties"]) == EVENT_KEYS == set(event["required"])
    assert event["properties"]["actor"]["nullable"] and event["properties"]["changes"]["nullable"]
    assert set(resolve(document, event["properties"]["actor"])["properties"]) == {"username", "name"}
    # The records of the Decision's workflows that have events, read and written.
    assert {path for path, method in with_events if method == "get"} == set(EVENT_ROUTES)
    assert len(with_events) > len(EVENT_ROUTES)  # the transitions and edits answer the record with its events too


EVENT_ROUTES = (
    "/d/{district}/api/proposals/{id}/",
    "/d/{district}/api/plans/{id}/",
    "/d/{district}/api/plans/cycles/{id}/",
    "/d/{district}/api/investment-plans/{id}/",
    "/d/{district}/api/investment-projects/{id}/",
    "/d/{district}/api/monitoring/plans/{id}/",
    "/d/{district}/api/monitoring/reports/{id}/",
)


def richest_with_events(queryset, related="events"):
    from django.db.models import Count

    row = queryset.annotate(n=Count(related, distinct=True)).filter(n__gt=1).order_by("-n", "pk").first()
    assert row is not None, f"no {queryset.model.__name__} with events in the demo data"
    return row.pk


def event_objects(yen_phong):
    """One data-rich object (the most events, at least two) per route that answers events."""
    from investment.models import InvestmentProject, PublicInvestmentPlan
    from monitoring.models import MEPlan, PeriodicReport
    from plans.models import CommunePlan, PlanCycle
    from proposals.models import Proposal

    with tenant_context(yen_phong):
        return dict(zip(EVENT_ROUTES, (
            richest_with_events(Proposal.objects.all()),
            richest_with_events(CommunePlan.objects.all()),
            richest_with_events(PlanCycle.objects.all(), "transitions"),
            richest_with_events(PublicInvestmentPlan.objects.all()),
            richest_with_events(InvestmentProject.objects.all()),
            richest_with_events(MEPlan.objects.all()),
            richest_with_events(PeriodicReport.objects.all()),
        ), strict=True))


def events_of(body):
    return (body.get("properties") or body)["events"] if body.get("type") == "Feature" else body["events"]


def test_every_route_answering_events_answers_the_one_shape(api_schema, client_for, rich_district):
    objects = event_objects(rich_district)
    client = client_for("huyen.yen-phong")
    problems, seen_changes = [], False
    for path, pk in objects.items():
        url = path.replace("{district}", "yen-phong").format(id=pk)
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        events = events_of(response.json())
        assert len(events) > 1, url
        for n, event in enumerate(events):
            where = f"{url} events[{n}]"
            if set(event) != EVENT_KEYS:
                problems.append(f"{where}: keys {sorted(event)}")
                continue
            actor = event["actor"]
            if not (isinstance(actor, dict) and set(actor) == {"username", "name"} and actor["username"] and actor["name"]):
                problems.append(f"{where}: actor {actor!r}")
            if datetime.fromisoformat(event["at"]).utcoffset() is None:
                problems.append(f"{where}: at {event['at']!r} has no offset")
            if not isinstance(event["changes"], (dict, type(None))):
                problems.append(f"{where}: changes {event['changes']!r}")
            seen_changes = seen_changes or bool(event["changes"])
            if not isinstance(event["action_label"], str) or not event["action_label"]:
                problems.append(f"{where}: action_label {event['action_label']!r}")
        problems += shape_errors(api_schema, {"type": "array", "items": {"$ref": EVENT_REF}}, events, url)
    assert problems == [], "\n".join(problems)
    assert seen_changes  # an edit's {field: [before, after]} and a cycle step's dates came through `changes`


def test_the_public_never_learns_who_acted(client_for, district):
    """`accounts.access.can_see_who_acted`: the builder gives no actor to the public, whoever reads the public page."""
    from proposals.models import ProposalEvent

    yen_phong = district("yen-phong")
    with tenant_context(yen_phong):
        event = ProposalEvent.objects.select_related("actor", "proposal").order_by("pk").first()
        signed_in = event_output(event, user=event.actor)
        assert signed_in["actor"] == {"username": event.actor.username, "name": event.actor.get_full_name() or event.actor.username}
        assert event_output(event, user=AnonymousUser())["actor"] is None
        assert event_output(event, user=event.actor, public=True)["actor"] is None  # a signed-in reader of a public page
        assert datetime.fromisoformat(signed_in["at"]).utcoffset().total_seconds() == 7 * 3600  # Asia/Ho_Chi_Minh
        proposal = event.proposal
        proposal.is_published = True
        proposal.save(update_fields=["is_published"])
    page = client_for(event.actor.username).get(f"/d/yen-phong/public/proposals/{proposal.pk}/").content.decode()
    # The page names its own reader elsewhere (the sign-out data of base.html): the history is what must name no one.
    history = page.split('data-testid="proposal-history"', 1)[1].split("</ol>", 1)[0]
    assert "<li>" in history and event.actor.username not in history and (event.actor.get_full_name() or "@") not in history
