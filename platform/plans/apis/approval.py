"""Đ6 and Đ16.3: the People's Council resolution and the district's approval decision."""
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts import access
from core.openapi import valid_input
from geo.documents import DocumentNumberField
from geo.numbers import DateInputField
from geo.parsers import SafeJSONParser
from plans import selectors, services
from plans.apis.common import PLAN_OUTPUT, PlanApi, plan_data


class ApprovalInput(serializers.Serializer):
    number = DocumentNumberField(required=True, max_length=50)
    date = DateInputField()
    file = serializers.FileField(required=False, allow_null=True, default=None)


class ResolutionApi(PlanApi):
    """POST (multipart or JSON) the People's Council resolution on the final plan: {number, date, file}. The council's
    own account only (Đ6.1)."""

    Output = PLAN_OUTPUT
    Input = ApprovalInput

    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        access.require(access.can_act_for_council(request.user, plan.cycle.commune), _("Only the commune's People's Council may do this."))
        data = valid_input(ApprovalInput, request.data)
        plan = services.plan_record_resolution(actor=request.user, plan=plan, number=data["number"], on=data["date"], file=data["file"])
        return Response(plan_data(plan, user=request.user))


class DistrictApprovalApi(PlanApi):
    """POST (multipart or JSON) the district's approval decision: {number, date, file}."""

    Output = PLAN_OUTPUT
    Input = ApprovalInput

    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        access.require(access.can_review_commune(request.user, plan.cycle.commune), _("Only the district's Finance-Planning Office may do this."))
        data = valid_input(ApprovalInput, request.data)
        plan = services.plan_record_district_approval(actor=request.user, plan=plan, number=data["number"], on=data["date"], file=data["file"])
        return Response(plan_data(plan, user=request.user))


class DocumentNumberInput(serializers.Serializer):
    # Required: a PUT without it was read as "" and erased the recorded number (review rv15c); "" clears on purpose.
    document_number = DocumentNumberField(required=True, allow_blank=True)


class _NumberApi(PlanApi):
    """PUT {document_number} of a document the issuing body numbers (Decree 30, Art. 8): `allowed(user, commune)`
    decides who, before the body is read (the refusal outranks the 400, as on every write); `record(actor, plan, number)`
    stores it."""

    Output = PLAN_OUTPUT
    Input = DocumentNumberInput

    def put(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        access.require(type(self).allowed(request.user, plan.cycle.commune), self.refusal())
        data = valid_input(DocumentNumberInput, request.data)
        plan = type(self).record(actor=request.user, plan=plan, number=data["document_number"])
        return Response(plan_data(plan, user=request.user))


class DocumentNumberApi(_NumberApi):
    """PUT the number the commune People's Committee gave the plan it issued: {document_number} ("12" printed
    "Số: 12/KH-UBND", or a full "12/KH-UBND"; "" clears it). The commune's planning team, once the People's Council
    passed the version (Decree 30, Art. 8)."""

    allowed = staticmethod(access.can_plan_for_commune)
    record = staticmethod(services.plan_record_document_number)

    def refusal(self):
        return _("Only the commune's planning team may do this.")


class FeedbackLetterNumberApi(_NumberApi):
    """PUT the number the district People's Committee gave its letter of comments on the cycle's draft (step 4, Đ5.4):
    {document_number} ("12" printed "Số: 12/UBND-TCKH", or a full "12/UBND-TCKH"; "" clears it), printed in
    feedback.docx and feedback.pdf of every version of the cycle. The district's Finance-Planning Office, once the
    district has commented (Decree 30, Art. 8)."""

    allowed = staticmethod(access.can_review_commune)
    record = staticmethod(services.feedback_letter_record_number)

    def refusal(self):
        return _("Only the district's Finance-Planning Office may do this.")
