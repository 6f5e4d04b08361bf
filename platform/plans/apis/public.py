"""The public, read-only surface (plus a moderated comment) under /d/<slug>/api/public/plans/ (Đ6.3, Đ5.5)."""
from django.core.cache import cache
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from plans import selectors, services
from plans.apis.common import _text, _valid, plan_data
from plans.apis.consultation import CommentInput, _comment_data, _comment_item
from plans.apis.exports import AnyAccept, _document, _works


class PublicApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class PublicPlanListApi(PublicApi):
    """Announced approved plans and drafts open for comment."""

    def get(self, request):
        return Response({"results": [
            {"id": p.pk, "commune": p.cycle.commune.code, "commune_name": p.cycle.commune.name, "plan_year": p.cycle.plan_year,
             "number": p.number, "kind": p.kind, "status": p.status, "announced_at": p.announced_at,
             "consultation_closes_on": p.consultation_closes_on}
            for p in selectors.public_plans()
        ]})


class PublicPlanDetailApi(PublicApi):
    def get(self, request, pk):
        return Response(plan_data(selectors.public_plan_get(pk=pk), public=True))


class PublicPlanWorksApi(PublicApi):
    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _works(selectors.public_plan_get(pk=pk))


class PublicPlanDocumentApi(PublicApi):
    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _document(selectors.public_plan_get(pk=pk))


COMMENT_RATE_LIMIT = 5  # comments per address and window


COMMENT_RATE_WINDOW_S = 600


HONEYPOT_FIELD = "website"


def _client_address(request):
    """The address a comment comes from, for the rate limit.

    X-Forwarded-For is trusted only when the direct peer is a reverse proxy on this machine (nginx in
    front of gunicorn), and then only its last entry, the one that proxy added: a client could write
    anything in the header itself and so escape the limit.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and peer in ("127.0.0.1", "::1"):
        return forwarded.split(",")[-1].strip() or peer
    return peer


class PublicCommentApi(PublicApi):
    """GET published comments and their answers; POST a comment without an account (it waits for moderation).

    Abuse protection: a hidden `website` field that people leave empty and robots fill in (answered
    as if accepted, nothing stored), a per-address limit in the tenant-aware cache (429), length limits.
    """

    def get(self, request, pk):
        plan = selectors.public_plan_get(pk=pk)
        return Response([_comment_data(c, public=True) for c in selectors.published_comments(plan=plan)])

    def post(self, request, pk):
        plan = selectors.public_plan_get(pk=pk)
        if _text(request, HONEYPOT_FIELD).strip():
            return Response({"status": "pending"}, status=status.HTTP_202_ACCEPTED)
        key = f"plans:public-comment:{_client_address(request)}"
        cache.add(key, 0, COMMENT_RATE_WINDOW_S)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, COMMENT_RATE_WINDOW_S)
            count = 1
        if count > COMMENT_RATE_LIMIT:
            return Response({"detail": _("Too many comments from this address; try again later.")}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        data = _valid(CommentInput, request.data)
        comment = services.public_comment_submit(plan=plan, item=_comment_item(plan, data.pop("item")), **data)
        return Response({"id": comment.pk, "status": comment.status}, status=status.HTTP_202_ACCEPTED)
