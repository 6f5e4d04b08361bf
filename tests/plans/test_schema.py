"""plans.apis.schema.document_schemas describes the plan views to drf-spectacular, but never over a method (or a view)
that a developer described by hand with @extend_schema: drf-spectacular's own annotation wins."""
import sys
import types

from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from plans.apis.schema import annotated, document_schemas


class TitleSerializer(serializers.Serializer):
    title = serializers.CharField()


def handmade_package(monkeypatch):
    """A package of views like plans/apis/<step>.py, one method described by hand, registered as a real module."""

    class HandmadeApi(APIView):
        class Input(serializers.Serializer):
            name = serializers.CharField()

        def get(self, request):
            return None

        @extend_schema(operation_id="handmade_rename", request=TitleSerializer, responses={200: TitleSerializer})
        def post(self, request):
            return None

    @extend_schema(tags=["by-hand"], responses={200: OpenApiTypes.STR})
    class ByHandApi(APIView):
        def get(self, request):
            return None

    module = types.ModuleType("handmade.apis")
    for view in (HandmadeApi, ByHandApi):
        view.__module__ = module.__name__
        setattr(module, view.__name__, view)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return HandmadeApi, ByHandApi


def operations(*views):
    patterns = [path(f"{view.__name__.lower()}/", view.as_view()) for view in views]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    return {(p, m): op for p, ops in schema["paths"].items() for m, op in ops.items()}, schema.get("components", {}).get("schemas", {})


def test_a_method_described_by_hand_keeps_its_description(monkeypatch):
    handmade, by_hand = handmade_package(monkeypatch)
    assert annotated(handmade.__dict__["post"]) and not annotated(handmade.__dict__["get"])
    document_schemas("handmade")
    ops, components = operations(handmade, by_hand)
    post = ops[("/handmadeapi/", "post")]
    assert post["operationId"] == "handmade_rename"  # not plans_handmade_post
    assert post["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Title"}
    assert ops[("/handmadeapi/", "get")]["operationId"] == "plans_handmade_get"  # the undescribed method is still described
    by_hand_get = ops[("/byhandapi/", "get")]  # a view described as a whole keeps its description
    assert by_hand_get["tags"] == ["by-hand"] and by_hand_get["responses"]["200"]["content"]["application/json"]["schema"] == {"type": "string"}
    assert "Title" in components


def test_describing_twice_changes_nothing(monkeypatch):
    handmade, _by_hand = handmade_package(monkeypatch)
    document_schemas("handmade")
    first = handmade.__dict__["get"]
    document_schemas("handmade")
    assert handmade.__dict__["get"] is first


def test_the_plan_views_are_described():
    from plans.apis import CycleStepCompleteApi

    ops, _components = operations(CycleStepCompleteApi)
    assert ops[("/cyclestepcompleteapi/", "post")]["operationId"] == "plans_cycle_step_complete_post"
