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
