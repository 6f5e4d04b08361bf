"""API errors: bad input is a 400 with field-level messages, never a 500."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.access import AccessDenied
from geo.guard import GeometryRejected


def api_exception_handler(exc, context):
    if isinstance(exc, GeometryRejected):
        return Response({"geometry": [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, AccessDenied):
        return Response({"detail": exc.message}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
