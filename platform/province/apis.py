"""Province APIs (public schema): where public investment goes, across districts and communes; plan-cycle compliance.

Province staff and superusers only (`accounts.access.can_compare_province`): a district user gets 403
on every route here, so no district ever reads another district's figures (drafts included) through
the province. Every read comes from the rollup table or one SQL statement; none loops over schemas.
"""
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import can_compare_province
from geo.models import AdministrativeUnit
from province import selectors
from province.models import CapitalSource
from proposals.models import Sector


class ProvinceOnly(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not can_compare_province(request.user):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied(_("Province staff only."))


class FilterInput(serializers.Serializer):
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1990, max_value=2100)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=CapitalSource.choices, required=False, allow_blank=True)


class DistributionInput(FilterInput):
    level = serializers.ChoiceField(choices=[(v, v) for v in selectors.LEVELS], required=False, default="district")
    measure = serializers.ChoiceField(choices=[(v, v) for v in selectors.MEASURES], required=False, default="total_investment")


def _params(serializer_class, request):
    data = {k: v for k, v in request.query_params.items() if v != "" or k in ("sector", "source")}
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


FILTER_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="Year; without it, all years (the sum over all projects)"),
    OpenApiParameter("sector", OpenApiTypes.STR, enum=Sector.values),
    OpenApiParameter("source", OpenApiTypes.STR, enum=CapitalSource.values, description="Capital source"),
]


class InvestmentDistributionApi(ProvinceOnly):
    """GET one GeoJSON Feature per district or commune with its investment figures and the chosen measure as `value`."""

    filename = None

    @extend_schema(
        operation_id="province_investment_distribution",
        parameters=FILTER_PARAMETERS + [
            OpenApiParameter("level", OpenApiTypes.STR, enum=list(selectors.LEVELS)),
            OpenApiParameter("measure", OpenApiTypes.STR, enum=list(selectors.MEASURES)),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = _params(DistributionInput, request)
        # PostgreSQL writes the GeoJSON; parsing and re-rendering it here would cost more than the query.
        text = selectors.investment_distribution_text(
            level=params["level"], year=params.get("year"), sector=params.get("sector", ""), source=params.get("source", ""),
            measure=params["measure"],
        )
        response = HttpResponse(text, content_type="application/json")
        if self.filename:
            response["Content-Disposition"] = f'attachment; filename="{self.filename(params)}"'
        return response


class InvestmentDistributionExportApi(InvestmentDistributionApi):
    """The same layer as a GeoJSON file to download."""

    @staticmethod
    def filename(params):
        parts = ["dau-tu", params["level"], str(params.get("year") or "tat-ca-nam")]
        parts += [p for p in (params.get("sector"), params.get("source")) if p]
        return "-".join(parts) + ".geojson"

    @extend_schema(operation_id="province_investment_distribution_export", parameters=FILTER_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return super().get(request)


class EquityApi(ProvinceOnly):
    """GET the Lorenz curve and Gini coefficient of investment across communes, and the communes far below the median."""

    @extend_schema(operation_id="province_investment_equity", parameters=FILTER_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
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
        from tenants.models import District

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

    @extend_schema(operation_id="province_investment_compare", parameters=COMPARE_PARAMETERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        params = _params(CompareInput, request)
        rows = selectors.investment_compare(units=params["units"], year=params.get("year"))
        return Response({"year": params.get("year"), "units": rows})


class CompareWorkbookApi(ProvinceOnly):
    """GET the comparison table as an Excel workbook."""

    @extend_schema(operation_id="province_investment_compare_xlsx", parameters=COMPARE_PARAMETERS, responses={200: OpenApiTypes.BINARY})
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


class PlanComplianceApi(ProvinceOnly):
    """GET each commune's plan-cycle step for a plan year and whether it is overdue, with the totals by district."""

    @extend_schema(
        operation_id="province_plan_compliance", parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=True, description="Plan year")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = _params(ComplianceInput, request)
        return Response(selectors.plan_compliance(plan_year=params["year"]))
