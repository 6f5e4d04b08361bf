"""Steps 3 and 5 (Đ5.3, Đ5.5): conferences, the comment window, moderation and answers."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts import access
from core.openapi import many, valid_input
from geo.numbers import DateInputField, WholeNumberField
from plans import selectors, services
from plans.apis.common import CREATED, PLAN_OUTPUT, PlanApi, _data, plan_data, text_body
from plans.models import (
    PlanItem,
    PublicComment,
)

_PUBLIC_COMMENT = {
    "id": serializers.IntegerField(), "item": serializers.IntegerField(allow_null=True), "author_name": serializers.CharField(),
    "author_kind": serializers.CharField(), "body": serializers.CharField(), "created_at": serializers.DateTimeField(),
    "answer": serializers.CharField(), "answered_at": serializers.DateTimeField(allow_null=True),
}
PUBLIC_COMMENT_OUTPUT = inline_serializer("PublicCommentOutput", {**_PUBLIC_COMMENT}, many=True)
COMMENT = inline_serializer("PlanCommentOutput", {**_PUBLIC_COMMENT, "status": serializers.CharField(), "via_commune": serializers.BooleanField()})
COMMENT_OUTPUT = {"get": many(COMMENT), "post": COMMENT}


class ConferenceApi(PlanApi):
    Output = CREATED

    class Input(serializers.Serializer):
        kind = serializers.CharField()
        held_on = DateInputField()
        participants = WholeNumberField(min_value=1, max_value=1_000_000)
        participants_description = serializers.CharField(allow_blank=True, required=False, default="")
        summary = serializers.CharField()

    def post(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        data = valid_input(self.Input, request.data)
        conference = services.conference_record(actor=request.user, cycle=cycle, **data)
        return Response({"id": conference.pk}, status=201)


class ConsultationOpenApi(PlanApi):
    Output = PLAN_OUTPUT

    class Input(serializers.Serializer):
        closes_on = DateInputField()

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        plan = services.consultation_open(actor=request.user, plan=plan, **valid_input(self.Input, request.data))
        return Response(plan_data(plan, user=request.user))


def _comment_data(c, *, public=False):
    data = {"id": c.pk, "item": c.item_id, "author_name": c.author_name, "author_kind": c.author_kind, "body": c.body,
            "created_at": c.created_at, "answer": c.answer, "answered_at": c.answered_at}
    if not public:
        data.update(status=c.status, via_commune=c.via_commune)
    return data


class CommentInput(serializers.Serializer):
    body = serializers.CharField(max_length=services.PUBLIC_COMMENT_MAX_CHARS)
    author_name = serializers.CharField(max_length=services.PUBLIC_NAME_MAX_CHARS)
    author_kind = serializers.ChoiceField(choices=PublicComment.AuthorKind.choices, default=PublicComment.AuthorKind.RESIDENT)
    item = serializers.IntegerField(required=False, allow_null=True, default=None)


class PublicCommentInput(CommentInput):
    website = serializers.CharField(required=False, allow_blank=True, help_text="leave empty (a field robots fill in)")


def _comment_item(plan, item_id):
    if not item_id:
        return None
    item = PlanItem.objects.filter(pk=item_id, plan=plan).first()
    if item is None:
        raise serializers.ValidationError({"item": [_("That item is not in this plan.")]})
    return item


class CommentListApi(PlanApi):
    """GET the public comments of a version (every one for those who moderate or oversee them, the published ones for a
    village head); POST one given at the commune office (typed in by the team)."""

    Output = COMMENT_OUTPUT
    Input = CommentInput

    def get(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        return Response([_comment_data(c) for c in access.comment_scope(request.user, plan.cycle.commune, plan.public_comments.all())])

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        data = valid_input(CommentInput, request.data)
        comment = services.public_comment_submit(plan=plan, actor=request.user, item=_comment_item(plan, data.pop("item")), **data)
        return Response(_comment_data(comment), status=201)


class CommentModerateApi(PlanApi):
    """POST {decision: publish|reject}."""

    Output = COMMENT
    Input = inline_serializer("ModerateInput", {"decision": serializers.ChoiceField(choices=["publish", "reject"])})

    def post(self, request, pk):
        comment = _comment_for(request, pk)
        decision = valid_input(self.Input, _data(request))["decision"]
        comment = services.public_comment_moderate(actor=request.user, comment=comment, publish=decision == "publish")
        return Response(_comment_data(comment))


class CommentAnswerApi(PlanApi):
    Output = COMMENT
    Input = text_body("CommentAnswerInput", "answer", "the answer to the comment", max_length=5000)

    def post(self, request, pk):
        comment = services.public_comment_answer(actor=request.user, comment=_comment_for(request, pk),
                                                 answer=valid_input(self.Input, _data(request))["answer"])
        return Response(_comment_data(comment))


def _comment_for(request, pk):
    return access.access_comment_by_id(request.user, request.tenant, pk)
