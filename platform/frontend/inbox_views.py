"""The work inbox: `/inbox/` (the page every user lands on after login) and `GET /api/me/inbox/` (the same items)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from frontend.inbox import inbox_for, items_data


class InboxItemOutput(serializers.Serializer):
    key = serializers.CharField(help_text="stable id of the item, e.g. d258:proposal:12")
    kind = serializers.CharField(help_text="proposal_decide, step_due, report_due, comment_answer, feedback_give, feedback_answer, "
                                           "approval_decide, report_review, correction_close, correction_do, difficulty_answer, …")
    title = serializers.CharField(help_text="what to do, in the request's language")
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    url = serializers.CharField(help_text="the page where the work is done")


class InboxOutput(serializers.Serializer):
    count = serializers.IntegerField()
    overdue = serializers.IntegerField()
    items = InboxItemOutput(many=True)


class MyInboxApi(APIView):
    """GET what waits for the signed-in user: items with due dates and links, undated last (issue 14, part 4)."""

    Output = InboxOutput
    operation_id = "me_inbox"

    def get(self, request):
        items = items_data(request.user)
        return Response({"count": len(items), "overdue": sum(1 for i in items if i["overdue"]), "items": items})


@require_safe
@login_required
def inbox_page(request):
    """What waits for me: the items of every source, overdue first, with their due dates (Vietnamese by default)."""
    on = timezone.localdate()
    items = inbox_for(request.user, on=on)
    rows = [{"item": i, "overdue": i.is_overdue(on), "days": (i.due_on - on).days if i.due_on else None,
             "late": (on - i.due_on).days if i.due_on else None} for i in items]
    rows.sort(key=lambda r: not r["overdue"])
    return render(request, "frontend/inbox.html", {"rows": rows})
