"""Province APIs (public schema): where public investment goes, across districts and communes; plan-cycle compliance.

Province staff and superusers only (`accounts.access.can_compare_province`): a district user gets 403
on every route here, so no district ever reads another district's figures (drafts included) through
the province. Every read comes from the rollup table or one SQL statement; none loops over schemas.
"""
import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import can_compare_province, require
from core.models import CapitalSource, Sector
from core.openapi import valid_input
from geo.bbox import parse_bbox
from geo.layers import MAX_LIMIT, MEDIA_TYPE, page_numbers
from geo.models import AdministrativeUnit
from geo.openapi import geojson_file
from province import layers, selectors
from tenants.models import District

# ---- what the province answers (one SQL statement or the rollup table each), for the OpenAPI schema ----

_Int, _Str = serializers.IntegerField, serializers.CharField
DISTRICT_CYCLES = inline_serializer("ProvinceDistrictCycles", {
    "code": _Str(help_text="GSO code"), "name": _Str(), "slug": _Str(), "communes": _Int(), "cycles": _Int(),
    "by_step": serializers.DictField(child=_Int(), help_text="step → cycles at it"), "published": _Int(), "overdue": _Int(),
    "late": _Int(help_text="cycles with a step done after its due date, published ones included"),
    "overdue_or_late": _Int(help_text="cycles overdue now or with a step done late"),
}, many=True)
CYCLES_OUTPUT = inline_serializer("ProvinceCycles", {"plan_year": _Int(), "districts": DISTRICT_CYCLES})
_UNIT_VALUE = {"code": _Str(), "name": _Str(), "district": _Str(help_text="GSO code of the district")}
EQUITY_OUTPUT = inline_serializer("InvestmentEquity", {
    "basis": _Str(help_text="per_resident or per_km2"), "year": _Int(allow_null=True), "sector": _Str(allow_null=True),
    "source": _Str(allow_null=True), "communes": _Int(), "gini": serializers.FloatField(allow_null=True),
    "lorenz": serializers.ListField(child=serializers.ListField(child=serializers.FloatField()), help_text="[[share of communes, share of investment]]"),
    "median": serializers.FloatField(allow_null=True), "far_below_threshold": serializers.FloatField(help_text="share of the median"),
    "far_below": inline_serializer("EquityUnit", {**_UNIT_VALUE, "value": serializers.FloatField()}, many=True),
    "population_years": serializers.ListField(child=_Int(), help_text="census years of the populations used"),
    "population_sources": serializers.ListField(child=_Str(), help_text="where the populations used come from"),
    "refreshed_at": serializers.DateTimeField(allow_null=True),
})
COMPARE_OUTPUT = inline_serializer("InvestmentComparison", {"year": _Int(allow_null=True), "units": inline_serializer("ComparedUnit", {
    **_UNIT_VALUE, "level": _Str(help_text="district or commune"), "total_investment": _Int(help_text="VND"), "planned": _Int(),
    "allocated": _Int(), "disbursed": _Int(), "project_count": _Int(),
    "by_sector": serializers.DictField(child=_Int(), help_text="sector → VND"), "by_source": serializers.DictField(child=_Int(), help_text="source → VND"),
    "population": _Int(allow_null=True), "area_km2": serializers.FloatField(allow_null=True), "per_resident": _Int(allow_null=True),
    "per_km2": _Int(allow_null=True), "village_proposals": _Int(), "village_proposals_funded": _Int(),
    "village_funded_share": serializers.FloatField(allow_null=True), "progress": serializers.FloatField(allow_null=True, help_text="%"),
    "disbursement_rate": serializers.FloatField(allow_null=True),
}, many=True)})
COMPLIANCE_OUTPUT = inline_serializer("PlanCompliance", {
    "plan_year": _Int(), "on": serializers.DateField(), "province": _Str(allow_null=True), "districts": DISTRICT_CYCLES,
    "communes": inline_serializer("CommuneCompliance", {
        "code": _Str(), "name": _Str(), "district": _Str(), "step": _Str(help_text="the current step, or not_opened"),
        "due": serializers.DateField(allow_null=True), "overdue": serializers.BooleanField(),
        "late_steps": _Int(help_text="steps done after their due date"), "done_late": serializers.BooleanField(),
        "days_late": _Int(help_text="days past the due date: so far when overdue, at completion when done late"),
        "lateness": _Str(help_text="'quá hạn N ngày' / 'hoàn thành muộn N ngày' in the request's language, '' when in time")}, many=True),
})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProvinceCyclesApi(APIView):
    """GET /api/plans/cycles/?plan_year=: per district, cycles per step, published and overdue (province staff, Đ15)."""

    # Its GET/HEAD reads may go to the streaming replica (geo/replica.py; docs/OPERATIONS.md, "Streaming replica").
    reads_replica = True

    Output = CYCLES_OUTPUT

    operation_id = "province_plan_cycles"
    query_parameters = [OpenApiParameter("plan_year", OpenApiTypes.INT, required=True)]

    def get(self, request):
        require(can_compare_province(request.user), _("Province staff only."))
        year = request.query_params.get("plan_year", "")
        if not year.isdigit():
            return Response({"plan_year": [_("A year, e.g. 2027.")]}, status=400)
        return Response({"plan_year": int(year), "districts": selectors.province_cycle_rows(plan_year=int(year))})


class ProvinceOnly(APIView):
    # Its GET/HEAD reads may go to the streaming replica (geo/replica.py; docs/OPERATIONS.md, "Streaming replica").
    reads_replica = True
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require(can_compare_province(request.user), _("Province staff only."))


class FilterInput(serializers.Serializer):
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1990, max_value=2100)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=CapitalSource.choices, required=False, allow_blank=True)


class DistributionInput(FilterInput):
    level = serializers.ChoiceField(choices=[(v, v) for v in selectors.LEVELS], required=False, default="district")
    measure = serializers.ChoiceField(choices=[(v, v) for v in selectors.MEASURES], required=False, default="total_investment")
    classification = serializers.ChoiceField(choices=[(v, v) for v in selectors.CLASSIFICATIONS], required=False, default="quantiles")
    # At national scale each province compares its own districts and communes.
    province = serializers.CharField(required=False, allow_blank=True, max_length=20)

    def validate_province(self, value):
        if value and not AdministrativeUnit.objects.filter(code=value, level="province").exists():
            raise serializers.ValidationError(_("No province has this code."))
        return value


def _params(serializer_class, request):
    data = {k: v for k, v in request.query_params.items() if v != "" or k in ("sector", "source")}
    return valid_input(serializer_class, data)


FILTER_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="Year; without it, all years (the sum over all projects)"),
    OpenApiParameter("sector", OpenApiTypes.STR, enum=Sector.values),
    OpenApiParameter("source", OpenApiTypes.STR, enum=CapitalSource.values, description="Capital source"),
]


DISTRIBUTION_PARAMETERS = FILTER_PARAMETERS + [
    OpenApiParameter("level", OpenApiTypes.STR, enum=list(selectors.LEVELS)),
    OpenApiParameter("measure", OpenApiTypes.STR, enum=list(selectors.MEASURES)),
    OpenApiParameter("classification", OpenApiTypes.STR, enum=list(selectors.CLASSIFICATIONS),
                     description="How the colour classes are cut: `quantiles` (default) or `fisher_jenks` natural breaks; zero is always a class of its own"),
    OpenApiParameter("bbox", OpenApiTypes.STR, description="minLon,minLat,maxLon,maxLat (EPSG:4326): only the units meeting it; the classes stay those of every unit"),
    OpenApiParameter("province", OpenApiTypes.STR, description="A province's code: only its districts and their communes (classes computed over them)"),
]


def _distribution_params(request):
    """The validated filters of the distribution layer (400 naming the field), with `bbox` as four numbers."""
    params = _params(DistributionInput, request)
    bbox = request.query_params.get("bbox")
    return {
        "level": params["level"], "year": params.get("year"), "sector": params.get("sector", ""), "source": params.get("source", ""),
        "measure": params["measure"], "province": params.get("province", ""), "bbox": parse_bbox(bbox) if bbox else None,
        "classification": params["classification"],
    }


class InvestmentDistributionApi(ProvinceOnly):
    """GET one GeoJSON Feature per district or commune with its investment figures, the chosen measure as `value` and its colour `class`; paginated."""

    operation_id = "province_investment_distribution"
    query_parameters = DISTRIBUTION_PARAMETERS + [
            OpenApiParameter("page", OpenApiTypes.INT), OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1 to {MAX_LIMIT} (more is a 400)"),
        ]
    Output = {(200, MEDIA_TYPE): layers.district_distribution.openapi_schema()}

    def get(self, request):
        params = _distribution_params(request)
        page, size = page_numbers(request)
        offset = (page - 1) * size
        # PostgreSQL writes the GeoJSON; parsing and re-rendering it here would cost more than the query.
        # Only the page links are added in front of the collection PostgreSQL wrote.
        count, text = selectors.investment_distribution_page(**params, limit=size, offset=offset, request=request)

        def link(number):
            query = request.query_params.copy()
            query["page"] = str(number)
            return request.build_absolute_uri(request.path) + "?" + query.urlencode()

        following = json.dumps(link(page + 1) if page * size < count else None)
        previous = json.dumps(link(page - 1) if page > 1 else None)
        head = f'{{"count":{int(count)},"next":{following},"previous":{previous},'
        return HttpResponse(head + text[1:], content_type=MEDIA_TYPE)


class InvestmentDistributionExportApi(ProvinceOnly):
    """The whole layer (every unit meeting `bbox`, not paginated) as a GeoJSON file to download."""

    @staticmethod
    def filename(params, extension):
        parts = ["dau-tu", params["level"], str(params.get("year") or "tat-ca-nam")]
        parts += [p for p in (params.get("sector"), params.get("source")) if p]
        return "-".join(parts) + "." + extension

    operation_id = "province_investment_distribution_export"
    query_parameters = DISTRIBUTION_PARAMETERS
    Output = geojson_file("the whole distribution layer")

    def get(self, request):
        params = _distribution_params(request)
        response = HttpResponse(selectors.investment_distribution_text(**params, request=request), content_type="application/geo+json")
        response["Content-Disposition"] = f'attachment; filename="{self.filename(params, "geojson")}"'
        return response


class InvestmentDistributionPngApi(InvestmentDistributionExportApi):
    """The map of the layer as a PNG image: the units in their class colours, title, legend in millions of VND, as-of time, source."""

    operation_id = "province_investment_distribution_png"
    query_parameters = DISTRIBUTION_PARAMETERS
    Output = {(200, "image/png"): OpenApiTypes.BINARY}

    def get(self, request):
        from province.mapimage import distribution_png

        params = _distribution_params(request)
        collection = json.loads(selectors.investment_distribution_text(**params, request=request))
        response = HttpResponse(distribution_png(collection), content_type="image/png")
        response["Content-Disposition"] = f'attachment; filename="{self.filename(params, "png")}"'
        return response


class EquityApi(ProvinceOnly):
    """GET the Lorenz curve and Gini coefficient of investment across communes, and the communes far below the median."""

    operation_id = "province_investment_equity"
    query_parameters = FILTER_PARAMETERS
    Output = {200: EQUITY_OUTPUT}

    def get(self, request):
        params = _params(FilterInput, request)
        return Response(selectors.investment_equity(year=params.get("year"), sector=params.get("sector", ""), source=params.get("source", "")))


class CompareInput(serializers.Serializer):
    units = serializers.CharField()
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1990, max_value=2100)

    def validate_units(self, value):
        codes = [c.strip() for c in value.split(",") if c.strip()]
        if len(codes) < 2:
            raise serializers.ValidationError(_("Name two or more districts or communes, separated by commas."))
        if len(codes) > 50:
            raise serializers.ValidationError(_("At most 50 units at once."))
        if len(set(codes)) != len(codes):
            raise serializers.ValidationError(_("A unit is named twice."))
        districts = set(District.objects.exclude(schema_name="public").values_list("unit_id", flat=True))
        units = {
            u.code: u for u in AdministrativeUnit.objects.filter(code__in=codes, level__in=selectors.LEVELS)
            if (u.level == "district" and u.pk in districts) or (u.level == "commune" and u.parent_id in districts)
        }
        unknown = [c for c in codes if c not in units]
        if unknown:
            raise serializers.ValidationError(_("Not a district or commune of the province: %(codes)s.") % {"codes": ", ".join(unknown)})
        if len({u.level for u in units.values()}) > 1:
            raise serializers.ValidationError(_("Compare districts with districts, or communes with communes."))
        return [units[c] for c in codes]


COMPARE_PARAMETERS = [
    OpenApiParameter("units", OpenApiTypes.STR, required=True, description="GSO codes of two or more districts (or communes), comma-separated"),
    OpenApiParameter("year", OpenApiTypes.INT),
]


class CompareApi(ProvinceOnly):
    """GET districts (or communes) side by side: totals by sector and source, per resident, projects, village proposals funded, progress, disbursement."""

    operation_id = "province_investment_compare"
    query_parameters = COMPARE_PARAMETERS
    Output = {200: COMPARE_OUTPUT}

    def get(self, request):
        params = _params(CompareInput, request)
        rows = selectors.investment_compare(units=params["units"], year=params.get("year"))
        return Response({"year": params.get("year"), "units": rows})


class CompareWorkbookApi(ProvinceOnly):
    """GET the comparison table as an Excel workbook."""

    operation_id = "province_investment_compare_xlsx"
    query_parameters = COMPARE_PARAMETERS
    Output = {(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="the comparison as an Excel workbook")}

    def get(self, request):
        from province.exports import compare_workbook

        params = _params(CompareInput, request)
        rows = selectors.investment_compare(units=params["units"], year=params.get("year"))
        response = HttpResponse(
            compare_workbook(rows=rows, year=params.get("year")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="so-sanh-dau-tu-{params.get("year") or "tat-ca-nam"}.xlsx"'
        return response


class ComplianceInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    province = serializers.CharField(required=False, allow_blank=True, max_length=20)
    validate_province = DistributionInput.validate_province


class PlanComplianceApi(ProvinceOnly):
    """GET each commune's plan-cycle step for a plan year and whether it is overdue, with the totals by district."""

    operation_id = "province_plan_compliance"
    query_parameters = [
            OpenApiParameter("year", OpenApiTypes.INT, required=True, description="Plan year"),
            OpenApiParameter("province", OpenApiTypes.STR, description="A province's code: only its districts and communes"),
        ]
    Output = {200: COMPLIANCE_OUTPUT}

    def get(self, request):
        params = _params(ComplianceInput, request)
        return Response(selectors.plan_compliance(plan_year=params["year"], province=params.get("province", "")))
