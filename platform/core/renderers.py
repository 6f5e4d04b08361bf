"""The JSON of every API answer: date-times in the platform's zone with its offset (docs/API.md, "Events").

DRF's own encoder writes an aware datetime as it comes from the database, in UTC, ending in `Z`; answers built as
dicts (`Response({"approved_at": plan.approved_at})`) then said `Z` where the serializers and the events say `+07:00`.
`JSONRenderer` (REST_FRAMEWORK's DEFAULT_RENDERER_CLASSES) writes every aware datetime as
`accounts.events.moment_output` does: ISO 8601 in Asia/Ho_Chi_Minh, `2026-03-02T09:15:00+07:00`.
"""
import datetime as dt

from django.utils import timezone
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder


class LocalTimeJSONEncoder(JSONEncoder):
    """DRF's encoder, but an aware datetime is written in the current time zone (settings.TIME_ZONE) with its offset."""

    def default(self, obj):
        if isinstance(obj, dt.datetime) and timezone.is_aware(obj):
            return timezone.localtime(obj).isoformat()
        return super().default(obj)


class JSONRenderer(renderers.JSONRenderer):
    encoder_class = LocalTimeJSONEncoder
