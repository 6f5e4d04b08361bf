"""A plan as files: the Word document, the Excel tables, the works as GeoJSON."""
from django.http import HttpResponse, JsonResponse
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from geo.openapi import geojson_file
from plans import exports, selectors
from plans.apis.common import DOCX, XLSX, binary


def _export_name(plan, ext):
    return f"ke-hoach-{plan.cycle.commune.code}-{plan.cycle.plan_year}-v{plan.number}.{ext}"


def _document(plan):
    body = exports.plan_docx(plan=plan, items=list(selectors.plan_items(plan=plan)), targets=list(plan.targets.all()))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(plan, "docx")}"'
    return response


def _tables(plan):
    body = exports.plan_xlsx(plan=plan, items=list(selectors.plan_items(plan=plan)), targets=list(plan.targets.all()))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(plan, "xlsx")}"'
    return response


def _works(plan):
    response = JsonResponse(exports.works_geojson(plan=plan, items=list(selectors.plan_items(plan=plan))), content_type="application/geo+json",
                            json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{_export_name(plan, "geojson")}"'
    return response


class AnyAccept(BaseContentNegotiation):
    """File downloads answer in their own type whatever the client's Accept header (a GIS asks for application/geo+json)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PlanDocumentApi(APIView):
    Output = binary(DOCX, "the plan as a Word document")

    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _document(selectors.plan_get(user=request.user, pk=pk))


class PlanTablesApi(APIView):
    Output = binary(XLSX, "the plan's tables as an Excel workbook")

    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _tables(selectors.plan_get(user=request.user, pk=pk))


class PlanWorksApi(APIView):
    Output = geojson_file("the plan's works")

    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _works(selectors.plan_get(user=request.user, pk=pk))
