"""Every action an event row is written with has words for the answers (review rv17c, 2): the plan event
`document_number` was answered as `"action_label": "document_number"` because `plans.models.PlanEvent.ACTION_LABELS`
lacked it, and the walk of tests/accounts/test_one_form.py saw only the actions of the demo's events.

The mechanism: `accounts.models.StateChange.save` refuses an action with no label (a choice of the model's `action`
field or a key of its `ACTION_LABELS`), so any service writing a new code fails in its own tests; the static walk below
also reads every `action="…"` literal the services pass and requires a label for it."""
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

from accounts.models import StateChange
from tests.plans.test_cycle_api import D, published_plan

PLATFORM = Path(__file__).resolve().parents[2] / "platform"
EVENT_MODELS = [m for m in apps.get_models() if issubclass(m, StateChange)]


def test_every_event_model_is_found():
    assert {m.__name__ for m in EVENT_MODELS} >= {"CycleTransition", "PlanEvent", "MEPlanEvent", "ReportEvent",
                                                  "ProposalEvent", "ProjectEvent"}


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: f"{m._meta.app_label}.{m.__name__}")
def test_an_action_without_a_label_is_refused_before_it_is_written(model):
    with pytest.raises(ValueError, match="no label"):
        model(action="never_labelled", actor_id=1).save()


@pytest.mark.parametrize("model", EVENT_MODELS, ids=lambda m: f"{m._meta.app_label}.{m.__name__}")
def test_every_label_is_words_in_vietnamese(model):
    with translation.override("vi"):
        bare = [code for code, label in model.action_labels().items() if str(label) in ("", code)]
    assert bare == []


def test_every_action_a_service_writes_has_a_label():
    """`action="…"` literals in the services' modules (`services.py`, `services/`) are labelled by some event model;
    before, `plans/services/approval.py` wrote "document_number" with none. (A verb such as investment's
    `plan_transition(action="submit")` is mapped to its event code inside the service, which the save check covers.)"""
    labelled = {code for model in EVENT_MODELS for code in model.action_labels()}
    written = {}
    for path in PLATFORM.rglob("*.py"):
        if "services" not in path.stem and "services" not in path.parts:
            continue
        for code in re.findall(r"""\baction=["']([a-z_]+)["']""", path.read_text(encoding="utf-8")):
            written.setdefault(code, str(path.relative_to(PLATFORM)))
    assert "document_number" in written and "council_resolution" in written
    assert {code: where for code, where in written.items() if code not in labelled} == {}


@pytest.mark.django_db
def test_the_document_number_event_is_labelled_in_the_answer(client_for, district):
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, _cycle = published_plan(xa, huyen, district("yen-phong"))
    assert xa.put(f"{D}/{v3}/document-number/", {"document_number": "12"}, content_type="application/json").status_code == 200
    events = [e for e in xa.get(f"{D}/{v3}/", {"lang": "vi"}).json()["events"] if e["action"] == "document_number"]
    assert [(e["action_label"], e["note"]) for e in events] == [("Đã ghi số hiệu văn bản", "12")]
    events = [e for e in xa.get(f"{D}/{v3}/", {"lang": "en"}).json()["events"] if e["action"] == "document_number"]
    assert events[0]["action_label"] == "Document number recorded"
