"""Step 4 (Đ5.4, Đ16.2): the district's comments and the team's answers."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts import access
from accounts.events import EventActorOutput, person_output
from core.models import Sector
from core.openapi import many, valid_input
from plans import selectors, services
from plans.apis.common import PlanApi, _data, text_body
from plans.models import (
    DistrictFeedback,
    PlanItem,
)


def _feedback_data(f, *, reader):
    return {"id": f.pk, "item": f.item_id, "sector": f.sector, "office": f.office, "sector_office": f.sector_office_id,
            "body": f.body, "author": person_output(f.author, reader=reader),
            "created_at": f.created_at, "answer": f.answer, "answered_at": f.answered_at, "no_comments": f.no_comments}


FEEDBACK = inline_serializer("DistrictFeedbackOutput", {
    "id": serializers.IntegerField(), "item": serializers.IntegerField(allow_null=True), "sector": serializers.CharField(),
    "office": serializers.CharField(), "sector_office": serializers.IntegerField(allow_null=True, help_text="the district sector office that signed it"),
    "body": serializers.CharField(), "author": EventActorOutput(help_text="who wrote it (accounts.events.person_output)"),
    "created_at": serializers.DateTimeField(), "answer": serializers.CharField(), "answered_at": serializers.DateTimeField(allow_null=True),
    "no_comments": serializers.BooleanField(help_text="the district's explicit 'no comments' (step 4)"),
})


class FeedbackListApi(PlanApi):
    """GET the district's comments on a version; POST one (step 4: the Finance-Planning Office or a sector office of
    the district, whose comment is signed by the office): {body, item | sector, office}, or the district's explicit
    "no comments": {no_comments: true[, office]}."""

    class NoCommentsInput(serializers.Serializer):
        no_comments = serializers.BooleanField()
        office = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    Output = {"get": many(FEEDBACK), "post": FEEDBACK}

    class Input(serializers.Serializer):
        body = serializers.CharField(max_length=5000)
        item = serializers.IntegerField(required=False, allow_null=True, default=None)
        sector = serializers.ChoiceField(choices=Sector.choices, required=False, allow_blank=True, default="")
        office = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def get(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        return Response([_feedback_data(f, reader=request.user) for f in DistrictFeedback.objects.filter(plan__cycle=plan.cycle).select_related("author")])

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        if isinstance(request.data, dict) and request.data.get("no_comments") not in (None, False, "", "false"):
            data = valid_input(self.NoCommentsInput, request.data)
            feedback = services.feedback_no_comments(actor=request.user, plan=plan, office=data["office"])
            return Response(_feedback_data(feedback, reader=request.user), status=201)
        data = valid_input(self.Input, request.data)
        item = None
        if data["item"]:
            item = PlanItem.objects.filter(pk=data["item"], plan=plan).first()
            if item is None:
                return Response({"item": [_("That item is not in this version.")]}, status=400)
        feedback = services.feedback_create(actor=request.user, plan=plan, body=data["body"], item=item, sector=data["sector"], office=data["office"])
        return Response(_feedback_data(feedback, reader=request.user), status=201)


class FeedbackAnswerApi(PlanApi):
    Output = FEEDBACK
    Input = text_body("FeedbackAnswerInput", "answer", "the commune's answer to the district's feedback", max_length=5000)

    def post(self, request, pk):
        feedback = access.access_feedback_by_id(request.user, request.tenant, pk)
        feedback = services.feedback_answer(actor=request.user, feedback=feedback, answer=valid_input(self.Input, _data(request))["answer"])
        return Response(_feedback_data(feedback, reader=request.user))
