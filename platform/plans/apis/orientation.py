"""Step 2 (Đ5.2): the district's orientation and envelopes; a commune reads its own."""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts import access
from accounts.access import commune_unit_of
from accounts.models import DepartmentPublication
from accounts.publications import publication_data
from core.links import is_safe_link
from core.models import CapitalSource, Sector
from core.openapi import valid_input
from geo.numbers import VndField
from plans import selectors, services
from plans.apis.common import CREATED, PlanApi
from plans.services.orientation import DOCUMENT_LINK_REFUSED

DEPARTMENT_PUBLICATIONS = inline_serializer("DepartmentPublicationOutput", {
    "id": serializers.IntegerField(), "department": serializers.CharField(help_text="the department's code"),
    "department_name": serializers.CharField(), "plan_year": serializers.IntegerField(),
    "kind": serializers.CharField(help_text="orientation, programme or resources"), "kind_label": serializers.CharField(),
    "title": serializers.CharField(), "summary": serializers.CharField(), "url": serializers.CharField(),
    "published_at": serializers.DateTimeField(allow_null=True),
    "files": inline_serializer("DepartmentPublicationFile", {"id": serializers.IntegerField(), "name": serializers.CharField(),
                                                             "url": serializers.CharField(help_text="served to readers of the publication")},
                               many=True),
}, many=True)
ORIENTATION_LIST = inline_serializer("OrientationList", {"results": inline_serializer("OrientationOutput", {
    "id": serializers.IntegerField(), "plan_year": serializers.IntegerField(), "title": serializers.CharField(),
    "summary": serializers.CharField(), "expected_programmes": serializers.CharField(), "published_at": serializers.DateTimeField(allow_null=True),
    "documents": inline_serializer("OrientationDocumentOutput", {"title": serializers.CharField(), "url": serializers.CharField()}, many=True),
    "envelopes": inline_serializer("EnvelopeOutput", {
        "commune": serializers.CharField(help_text="GSO code"), "sector": serializers.CharField(), "capital_source": serializers.CharField(),
        "amount": serializers.IntegerField(help_text="VND")}, many=True),
    "department_publications": DEPARTMENT_PUBLICATIONS,
}, many=True)})


class CycleOrientationApi(PlanApi):
    """GET the published orientation for the cycle's plan year, with this commune's envelopes."""

    Output = ORIENTATION_LIST

    def get(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        out = []
        for o in selectors.orientations_for(user=request.user, plan_year=cycle.plan_year).filter(published_at__isnull=False):
            out.append(_orientation_data(o, commune=cycle.commune))
        return Response({"results": out})


def _orientation_data(o, commune=None):
    envelopes = [e for e in o.all_envelopes if commune is None or e.commune_id == commune.pk]
    return {
        "id": o.pk, "plan_year": o.plan_year, "title": o.title, "summary": o.summary, "expected_programmes": o.expected_programmes,
        "published_at": o.published_at,
        "documents": [{"title": d.title, "url": d.url or (d.file.url if d.file else "")} for d in o.documents.all()],
        "department_publications": [publication_data(p) for p in o.department_publications.all()],
        "envelopes": [{"commune": e.commune.code, "sector": e.sector, "capital_source": e.capital_source,
                       "amount": e.amount} for e in envelopes],
    }


class DocumentInput(serializers.Serializer):
    """One document of an orientation: a title and an optional link, http(s) or relative only (issue 11)."""

    title = serializers.CharField(max_length=300)
    url = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_url(self, value):
        if value and not is_safe_link(value):
            raise serializers.ValidationError(str(DOCUMENT_LINK_REFUSED))
        return value


class EnvelopeInput(serializers.Serializer):
    """One indicative envelope of an orientation (Đ5.2): a commune of the district by GSO code (checked by the service: a
    commune of another district is a 400 naming `envelopes.<n>.commune`), a sector, a capital source, an amount in whole
    đồng (150000, "150.000"), not negative."""

    commune = serializers.CharField(max_length=20, help_text="GSO code of a commune of the district")
    sector = serializers.ChoiceField(choices=Sector.choices)
    capital_source = serializers.ChoiceField(choices=CapitalSource.choices)
    amount = VndField(max_value=10**15, help_text="VND")


class OrientationListApi(PlanApi):
    """GET orientations (communes see published ones); POST creates one (district): {plan_year, title, ..., envelopes: [...]}."""

    Output = {"get": ORIENTATION_LIST, "post": CREATED}

    class Input(serializers.Serializer):
        plan_year = serializers.IntegerField(min_value=2016, max_value=2100)
        title = serializers.CharField(max_length=300)
        summary = serializers.CharField(allow_blank=True, required=False, default="")
        expected_programmes = serializers.CharField(allow_blank=True, required=False, default="")
        documents = serializers.ListField(child=DocumentInput(), required=False, default=list, max_length=100)
        envelopes = serializers.ListField(child=EnvelopeInput(), required=False, default=list, max_length=5000)
        department_publications = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=200)

    def get(self, request):
        commune = commune_unit_of(request.user)
        return Response({"results": [_orientation_data(o, commune=commune) for o in selectors.orientations_for(user=request.user)]})

    def post(self, request):
        data = valid_input(self.Input, request.data)
        orientation = services.orientation_create(actor=request.user, district_unit=request.tenant.unit, **data)
        return Response({"id": orientation.pk}, status=201)


class DepartmentPublicationListApi(PlanApi):
    """GET what the provincial departments published for the districts (Đ5.2, Đ15.2), `plan_year` optional: district
    and province staff read it here to pass it on with their orientation (communes read what the district attached)."""

    Output = inline_serializer("DepartmentPublicationList", {"results": DEPARTMENT_PUBLICATIONS})
    query_parameters = [OpenApiParameter("plan_year", OpenApiTypes.INT, description="only this plan year")]

    def get(self, request):
        access.require(access.can_read_orientation_drafts(request.user), _("You may not do this."))
        publications = access.department_publication_scope(request.user, DepartmentPublication.objects.select_related("department")
                                                           .prefetch_related("files"))
        publications = publications.filter(published_at__isnull=False)
        year = request.query_params.get("plan_year", "")
        if year.isdigit():
            publications = publications.filter(plan_year=int(year))
        return Response({"results": [publication_data(p) for p in publications]})


class OrientationPublishApi(PlanApi):
    Output = inline_serializer("OrientationPublished", {"id": serializers.IntegerField(), "published": serializers.BooleanField()})
    Input = None  # no body

    def post(self, request, pk):
        orientation = access.access_orientation_by_id(request.user, request.tenant, pk, for_write=True)
        services.orientation_publish(actor=request.user, orientation=orientation)
        return Response({"id": orientation.pk, "published": True})
