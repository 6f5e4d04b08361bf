"""A plan as files: the Word document, the Excel tables, the works as GeoJSON."""
from django.http import HttpResponse
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from geo.layers import MEDIA_TYPE, collection_text
from plans import exports, layers, selectors
from plans.models import PlanItem


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


def _works(plan, layer=layers.plan_works):
    """The plan's located works as one GeoJSON file, built by the layer kit (`layer`: the private or public plan-works layer)."""
    features, _count, _returned = layer.page(PlanItem.objects.filter(plan=plan, geom__isnull=False), limit=None, offset=0)
    name = f"{plan.cycle.commune.name} {plan.cycle.plan_year} v{plan.number}"
    response = HttpResponse(collection_text(features, name=name), content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'inline; filename="{_export_name(plan, "geojson")}"'
    return response


class AnyAccept(BaseContentNegotiation):
    """File downloads answer in their own type whatever the client's Accept header (a GIS asks for application/geo+json)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PlanDocumentApi(APIView):
    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _document(selectors.plan_get(user=request.user, pk=pk))


class PlanTablesApi(APIView):
    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _tables(selectors.plan_get(user=request.user, pk=pk))


class PlanWorksApi(APIView):
    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _works(selectors.plan_get(user=request.user, pk=pk))
