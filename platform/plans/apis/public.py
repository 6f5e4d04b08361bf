"""The public, read-only surface (plus a moderated comment) under /d/<slug>/api/public/plans/ (Đ6.3, Đ5.5)."""
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.limits import RateLimited, counted
from accounts.network import client_address
from core.openapi import valid_input
from geo.documents import AnyAccept, document_output
from geo.openapi import geojson_file
from plans import layers, selectors, services
from plans.apis.common import PUBLIC_PLAN_OUTPUT, PlanApi, _data, plan_data
from plans.apis.consultation import PUBLIC_COMMENT_OUTPUT, CommentInput, PublicCommentInput, _comment_data, _comment_item
from plans.apis.exports import _document, _works

PUBLIC_PLAN_LIST = inline_serializer("PublicPlanList", {"results": inline_serializer("PublicPlanRow", {
    "id": serializers.IntegerField(), "commune": serializers.CharField(help_text="GSO code"), "commune_name": serializers.CharField(),
    "plan_year": serializers.IntegerField(), "number": serializers.IntegerField(), "kind": serializers.CharField(),
    "status": serializers.CharField(), "announced_at": serializers.DateTimeField(allow_null=True),
    "consultation_closes_on": serializers.DateField(allow_null=True),
}, many=True)})


class PublicApi(PlanApi):
    # Its GET/HEAD reads may go to the streaming replica (geo/replica.py; docs/OPERATIONS.md, "Streaming replica").
    reads_replica = True
    authentication_classes = []
    permission_classes = [AllowAny]


class PublicPlanListApi(PublicApi):
    """Announced approved plans and drafts open for comment."""

    Output = PUBLIC_PLAN_LIST

    def get(self, request):
        return Response({"results": [
            {"id": p.pk, "commune": p.cycle.commune.code, "commune_name": p.cycle.commune.name, "plan_year": p.cycle.plan_year,
             "number": p.number, "kind": p.kind, "status": p.status, "announced_at": p.announced_at,
             "consultation_closes_on": p.consultation_closes_on}
            for p in selectors.public_plans()
        ]})


class PublicPlanDetailApi(PublicApi):
    Output = PUBLIC_PLAN_OUTPUT

    def get(self, request, pk):
        return Response(plan_data(selectors.public_plan_get(pk=pk), public=True))


class PublicPlanWorksApi(PublicApi):
    Output = geojson_file("the plan's works")

    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _works(selectors.public_plan_get(pk=pk), layers.public_plan_works)


# Anonymous downloads of the public plan document (Word or PDF) that build or convert (a document not in the cache), per
# address and window across every district: the building and conversion are bounded by slots, this keeps one address
# from taking them all (issue 15 review, finding 2); a download answered from the cache is never counted (rv15d, 3).
DOCUMENT_RATE_LIMIT = 10
DOCUMENT_RATE_WINDOW_S = 60


class PublicPlanDocumentApi(PublicApi):
    """GET the public plan in the Decree 30 form, without an account: at most DOCUMENT_RATE_LIMIT downloads that build or
    convert (not yet in the cache) per address per DOCUMENT_RATE_WINDOW_S seconds, across every district (429 with
    Retry-After; `accounts.limits.counted`); downloads answered from the cache are not counted."""

    rate_limited = {"GET"}  # documented 429 (core.openapi)
    Output = document_output("the plan in the Decree 30 form")

    content_negotiation_class = AnyAccept

    def get(self, request, pk, fmt="docx"):
        plan = selectors.public_plan_get(pk=pk)
        address = client_address(request)

        def admit():
            # Counted in the public schema: one count per address across every district.
            with schema_context(get_public_schema_name()):
                with counted(f"plans:public-document:{address}", limit=DOCUMENT_RATE_LIMIT, window_s=DOCUMENT_RATE_WINDOW_S):
                    pass
        try:
            return _document(plan, fmt, admit=admit)
        except RateLimited as limited:
            response = Response({"detail": _("Too many downloads from this address; try again later.")}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            response["Retry-After"] = str(limited.retry_after)
            return response


COMMENT_RATE_LIMIT = 5  # comments per address and window


COMMENT_RATE_WINDOW_S = 600


HONEYPOT_FIELD = "website"


class PublicCommentApi(PublicApi):
    """GET published comments and their answers; POST a comment without an account (it waits for moderation).

    Abuse protection: a hidden `website` field that people leave empty and robots fill in (answered
    as if accepted, nothing stored), a limit of accepted comments per address in the shared, tenant-aware
    cache (429 with Retry-After; a refused comment does not count; `accounts.limits.counted`), length limits.
    """

    rate_limited = {"POST"}  # documented 429 (core.openapi)
    Output = {"get": PUBLIC_COMMENT_OUTPUT, "post": {202: inline_serializer("PublicCommentPending", {"id": serializers.IntegerField(required=False), "status": serializers.CharField()})}}
    Input = PublicCommentInput

    def get(self, request, pk):
        plan = selectors.public_plan_get(pk=pk)
        return Response([_comment_data(c, public=True) for c in selectors.published_comments(plan=plan)])

    def post(self, request, pk):
        plan = selectors.public_plan_get(pk=pk)
        # The honeypot is looked at before the body is validated, on purpose: a robot gets its 202 whatever else it sent.
        if str(_data(request).get(HONEYPOT_FIELD) or "").strip():
            return Response({"status": "pending"}, status=status.HTTP_202_ACCEPTED)
        try:
            with counted(f"plans:public-comment:{client_address(request)}", limit=COMMENT_RATE_LIMIT, window_s=COMMENT_RATE_WINDOW_S):
                data = valid_input(CommentInput, request.data)
                comment = services.public_comment_submit(plan=plan, item=_comment_item(plan, data.pop("item")), **data)
        except RateLimited as limited:
            response = Response({"detail": _("Too many comments from this address; try again later.")}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            response["Retry-After"] = str(limited.retry_after)
            return response
        return Response({"id": comment.pk, "status": comment.status}, status=status.HTTP_202_ACCEPTED)
