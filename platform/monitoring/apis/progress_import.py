"""The district's bulk import of investment progress (disbursements and physical progress, Đ10–Đ11) from a sheet.
"""
from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from files.uploads import checked_file
from geo.imports import ImportAnswer, wants_preview
from monitoring import imports


class ProgressImportApi(APIView):
    """POST multipart `file` (CSV or Excel: project code, date, disbursed amount, physical progress): district staff only.

    Each row goes through the investment app's disbursement service; the answer is every import's (docs/API.md,
    "Imports"). `?preview=1` writes nothing; without it the accepted rows are written in one transaction, or nothing;
    repeated rows are unchanged.
    """

    parser_classes = [MultiPartParser, FormParser]

    Input = {"multipart/form-data": inline_serializer("ProgressSheet", {"file": serializers.FileField()})}
    Output = {200: ImportAnswer}
    query_parameters = {"post": [OpenApiParameter("preview", OpenApiTypes.BOOL)]}

    def post(self, request):
        access.require(access.can_manage_investment(request.user, request.tenant),
                       _("Only the district's Finance-Planning Office updates investment progress."))
        upload = request.FILES.get("file")
        if upload is None:
            raise ApiValidationError({"file": [_("Attach the sheet.")]})
        name = (upload.name or "").lower()
        if name.endswith(".xlsx"):
            checked_file(upload, field="file")  # size and real type; the jailed reader does the rest
            upload.seek(0)
        elif name.endswith(".csv"):
            if upload.size > settings.UPLOAD_MAX_BYTES:
                raise ApiValidationError({"file": [_("The file is too large.")]})
        else:
            raise ApiValidationError({"file": [_("Send a CSV or Excel (.xlsx) sheet.")]})
        return Response(imports.progress_import(actor=request.user, upload=upload, preview=wants_preview(request)))
