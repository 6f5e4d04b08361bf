"""Each plan action reads its body one way, through the serializer it declares as `Input` (the schema's `maxLength`,
choices and types are what is enforced): an over-long text, a non-string or a bad choice is a 400 naming the field, in
the user's language, and nothing is written (never a text silently cut)."""
import json

import pytest
from django.db import connection

from fixtures.demo_cycles import demo_cycles_ensure

pytestmark = pytest.mark.django_db

D = "/d/yen-phong/api/plans"
TOO_LONG = "Trả lời " * 754  # 6,032 characters
# The tables an action of these views could write, read as one text: equal before and after means nothing was written.
TABLES = ("plans_districtfeedback", "plans_publiccomment", "plans_plancycle", "plans_cycletransition", "plans_stepevidence",
          "plans_communeplan", "plans_planevent", "plans_planitem")


def written(schema):
    with connection.cursor() as cursor:
        return [cursor.execute(f"SELECT coalesce(string_agg(t::text, ',' ORDER BY t.id), '') FROM {schema}.{table} t").fetchone()[0]
                for table in TABLES]


@pytest.fixture
def rows(district):
    """Yên Phong with the demo's cycles (fixtures.demo_cycles, through the services: district comments, public comments,
    versions, cycles stopped at every step); rolled back after the test."""
    yp = district("yen-phong")
    assert demo_cycles_ensure(slugs=["yen-phong"]) > 0
    connection.set_schema_to_public()
    return yp


def pick(district):
    from plans.models import PUBLISHED, CommunePlan, DistrictFeedback, PlanCycle, PlanStatus, PublicComment

    connection.set_tenant(district)
    feedback = DistrictFeedback.objects.filter(no_comments=False).select_related("plan__cycle__commune").first()
    pending = PublicComment.objects.filter(status=PublicComment.Status.PENDING).select_related("plan__cycle__commune").first()
    published = PublicComment.objects.filter(status=PublicComment.Status.PUBLISHED).select_related("plan__cycle__commune").first()
    open_cycle = PlanCycle.objects.exclude(step=PUBLISHED).filter(step__in=["draft", "sedp_conference"]).select_related("commune").first()
    approved = CommunePlan.objects.filter(status=PlanStatus.APPROVED).select_related("cycle__commune").first()
    newest = CommunePlan.objects.filter(cycle=open_cycle).order_by("-number").first()
    connection.set_schema_to_public()
    return {
        "feedback answer": (feedback.plan.cycle.commune.code, f"{D}/feedback/{feedback.pk}/answer/", "answer"),
        "comment answer": (published.plan.cycle.commune.code, f"{D}/comments/{published.pk}/answer/", "answer"),
        "comment moderation": (pending.plan.cycle.commune.code, f"{D}/comments/{pending.pk}/moderate/", "decision"),
        "step completion": (open_cycle.commune.code, f"{D}/cycles/{open_cycle.pk}/steps/{open_cycle.step}/complete/", "note"),
        "step evidence": (open_cycle.commune.code, f"{D}/cycles/{open_cycle.pk}/evidence/", "title"),
        "new version": (open_cycle.commune.code, f"{D}/{newest.pk}/new-version/", "kind"),
        "amendment": (approved.cycle.commune.code, f"{D}/{approved.pk}/amend/", "reason"),
    }


VI = {"long": "không được dài quá", "string": "không phải là chuỗi văn bản hợp lệ", "choice": "không phải là lựa chọn hợp lệ"}
EN = {"long": "no more than", "string": "Not a valid string", "choice": "is not a valid choice"}
CASES = [
    ("feedback answer", {"answer": TOO_LONG}, "long"), ("feedback answer", {"answer": ["a"]}, "string"),
    ("comment answer", {"answer": TOO_LONG}, "long"), ("comment answer", {"answer": {"text": "a"}}, "string"),
    ("comment moderation", {"decision": "maybe"}, "choice"), ("comment moderation", {"decision": ["publish"]}, "choice"),
    ("step completion", {"note": TOO_LONG}, "long"), ("step completion", {"note": ["a"]}, "string"),
    ("step evidence", {"step": "draft", "title": "Biên bản " * 40}, "long"), ("step evidence", {"step": "draft", "title": ["a"]}, "string"),
    ("new version", {"kind": ["final"]}, "string"), ("new version", {"kind": "final" * 5}, "long"),
    ("amendment", {"reason": TOO_LONG}, "long"), ("amendment", {"reason": [TOO_LONG]}, "string"),
]


def test_a_bad_body_is_a_400_naming_the_field_and_writes_nothing(client_for, rows):
    targets = pick(rows)
    problems = []
    for action, body, refusal in CASES:
        commune, url, field = targets[action]
        before = written(rows.schema_name)
        for language, words in (("vi", VI), ("en", EN)):
            response = client_for(f"xa.{commune}").post(url, json.dumps(body), content_type="application/json",
                                                         HTTP_ACCEPT_LANGUAGE=language)
            messages = response.json() if response["Content-Type"].startswith("application/json") else {}
            if response.status_code != 400 or list(messages) != [field] or words[refusal] not in messages[field][0]:
                problems.append(f"{action} {str(body)[:60]} ({language}): {response.status_code} {str(messages)[:200]}")
        if written(rows.schema_name) != before:
            problems.append(f"{action} {str(body)[:60]}: something was written")
    assert problems == [], "\n".join(problems)


def test_a_text_at_the_limit_is_kept_whole(client_for, rows):
    from plans.models import DistrictFeedback

    commune, url, _field = pick(rows)["feedback answer"]
    answer = "Đ" * 5000
    response = client_for(f"xa.{commune}").post(url, json.dumps({"answer": answer}), content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    connection.set_tenant(rows)
    assert DistrictFeedback.objects.get(pk=int(url.rstrip("/").split("/")[-2])).answer == answer


def test_the_schema_carries_the_limits(client_for):
    from django.test import Client

    document = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    schemas = document["components"]["schemas"]
    assert schemas["FeedbackAnswerInput"]["properties"]["answer"]["maxLength"] == 5000
    assert schemas["CommentAnswerInput"]["properties"]["answer"]["maxLength"] == 5000
    assert schemas["AmendInput"]["properties"]["reason"]["maxLength"] == 2000
    assert schemas["CycleStepCompleteInput"]["properties"]["note"]["maxLength"] == 2000
    assert schemas["StepEvidenceInput"]["properties"]["title"]["maxLength"] == 300
