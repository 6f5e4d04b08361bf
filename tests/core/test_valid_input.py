"""One helper validates an API view's body (issue 17, house item 4): `core.openapi.valid_input`, not a `_valid` per app."""
import pathlib
import re

import pytest
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core.openapi import valid_input

PLATFORM = pathlib.Path(__file__).resolve().parents[2] / "platform"


def test_no_app_keeps_its_own_validation_helper():
    own = [f"{path.relative_to(PLATFORM)}:{number}" for path in PLATFORM.rglob("*.py")
           for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
           if re.match(r"\s*def _?valid(ated)?(_input)?\(", line) and path.name != "openapi.py"]
    assert own == []


def test_it_takes_a_class_or_an_inline_serializer_and_answers_a_dict():
    fields = {"year": serializers.IntegerField(min_value=1900)}
    assert valid_input(inline_serializer("H17xYear", {**fields}), {"year": "2027"}) == {"year": 2027}

    class Year(serializers.Serializer):
        year = serializers.IntegerField(min_value=1900)

    answer = valid_input(Year, {"year": 2027})
    assert type(answer) is dict and answer == {"year": 2027}
    with pytest.raises(ValidationError) as refused:
        valid_input(Year, {"year": "abc"})
    assert list(refused.value.detail) == ["year"]


# A serializer whose refusal is merged with another check's before answering, so that every message comes back at once:
# not a hand validation of the body (module path: why).
MERGES_ERRORS = {"monitoring/apis/supervision.py": "a finding's fields and its photo are refused together",
                 "geo/apis.py": "geo sits beside core (tests/core/test_layers.py) and may not import core.openapi"}


def _api_modules():
    """Every module of ours that answers API requests (it builds DRF `Response`s), core/openapi.py aside."""
    for path in sorted(PLATFORM.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "from rest_framework.response import Response" in text and path.relative_to(PLATFORM).as_posix() != "core/openapi.py":
            yield path.relative_to(PLATFORM).as_posix(), text


def test_every_api_view_validates_its_body_through_valid_input():
    """Finding 4 of issue 17: `Serializer(data=…)` then `.is_valid(raise_exception=True)` by hand in an API module
    (33 such sites were left beside the helper) is refused; `core.openapi.valid_input` is the one way."""
    modules = dict(_api_modules())
    assert {"proposals/apis.py", "province/publications.py", "investment/apis/projects.py", "accounts/apis.py"} <= set(modules)
    by_hand = [f"{name}:{number}: {line.strip()}" for name, text in modules.items()
               for number, line in enumerate(text.splitlines(), 1)
               if (".is_valid(" in line or re.search(r"\b(?!Response\()\w+\(data=", line)) and name not in MERGES_ERRORS]
    assert by_hand == []
