"""Step 2 (Đ5.2, Đ15.2): what the provincial departments publish for the districts (orientation, programmes and
resource information), written and published by each department's own accounts. Services and the province API
under /api/province/publications/; districts read the published ones (`plans.apis.orientation`)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.models import DepartmentPublication
from core.links import is_safe_link
from core.openapi import many


@transaction.atomic
def publication_create(*, actor, plan_year: int, kind: str, title: str, summary: str = "", url: str = "") -> DepartmentPublication:
    """A draft publication of the actor's own department (403 for anyone but a department account). `url` is an
    http(s) or site-relative link (400 otherwise)."""
    department = access.department_of(actor)
    access.require(access.can_publish_for_department(actor, department), _("Only a provincial department may publish this."))
    if url and not is_safe_link(url):
        raise ValidationError({"url": [_("The link must be an http:// or https:// address, or an address on this site.")]})
    publication = DepartmentPublication(department=department, plan_year=plan_year, kind=kind, title=title, summary=summary, url=url,
                                        created_by=actor)
    publication.full_clean()
    publication.save()
    return publication


@transaction.atomic
def publication_update(*, actor, publication: DepartmentPublication, **fields) -> DepartmentPublication:
    """Change a draft publication of the actor's own department (403 for another department's). Once published the
    districts may have passed it on (Đ15.2), so it is no longer changed: ValidationError on `status` (400)."""
    publication = DepartmentPublication.objects.select_for_update().select_related("department").get(pk=publication.pk)
    access.require(access.can_publish_for_department(actor, publication.department), _("Only the department that published it may change it."))
    if publication.published_at is not None:
        raise ValidationError({"status": [_("This publication is published and can no longer be changed.")]})
    url = fields.get("url")
    if url and not is_safe_link(url):
        raise ValidationError({"url": [_("The link must be an http:// or https:// address, or an address on this site.")]})
    for name, value in fields.items():
        setattr(publication, name, value)
    publication.full_clean()
    publication.save()
    return publication


@transaction.atomic
def publication_publish(*, actor, publication: DepartmentPublication) -> DepartmentPublication:
    """Publish to every district (Đ15.2): from now on the districts see it and may pass it on to their communes."""
    publication = DepartmentPublication.objects.select_for_update().select_related("department").get(pk=publication.pk)
    access.require(access.can_publish_for_department(actor, publication.department), _("Only the department that published it may change it."))
    if publication.published_at is not None:
        raise ValidationError({"publication": [_("Already published.")]})
    publication.published_at = timezone.now()
    publication.save(update_fields=["published_at"])
    return publication


def publication_data(p):
    return {"id": p.pk, "department": p.department.code, "department_name": p.department.name, "plan_year": p.plan_year,
            "kind": p.kind, "kind_label": p.get_kind_display(), "title": p.title, "summary": p.summary, "url": p.url,
            "published_at": p.published_at}


PUBLICATION = inline_serializer("DepartmentPublication", {
    "id": serializers.IntegerField(), "department": serializers.CharField(help_text="the department's code"),
    "department_name": serializers.CharField(), "plan_year": serializers.IntegerField(),
    "kind": serializers.ChoiceField(choices=DepartmentPublication.Kind.choices), "kind_label": serializers.CharField(),
    "title": serializers.CharField(), "summary": serializers.CharField(), "url": serializers.CharField(),
    "published_at": serializers.DateTimeField(allow_null=True, help_text="null while a draft"),
})


class PublicationInput(serializers.Serializer):
    plan_year = serializers.IntegerField(min_value=2016, max_value=2100)
    kind = serializers.ChoiceField(choices=DepartmentPublication.Kind.choices)
    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    url = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PublicationEdit(PublicationInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class PublicationListApi(APIView):
    """GET the publications the caller may read (`plan_year`); POST `{plan_year, kind, title, summary, url}` a draft of
    the caller's own department (department accounts only, 403 otherwise)."""

    operation_id = {"get": "province_publications_list"}
    query_parameters = [OpenApiParameter("plan_year", OpenApiTypes.INT)]
    Output = {"get": {200: inline_serializer("DepartmentPublications", {"results": many(PUBLICATION)})}, "post": {201: PUBLICATION}}
    Input = PublicationInput

    def get(self, request):
        publications = access.department_publication_scope(request.user, DepartmentPublication.objects.select_related("department"))
        year = request.query_params.get("plan_year", "")
        if year.isdigit():
            publications = publications.filter(plan_year=int(year))
        return Response({"results": [publication_data(p) for p in publications]})

    def post(self, request):
        access.require(access.department_of(request.user) is not None, _("Only a provincial department may publish this."))
        data = PublicationInput(data=request.data)
        data.is_valid(raise_exception=True)
        publication = publication_create(actor=request.user, **data.validated_data)
        return Response(publication_data(publication), status=201)


class PublicationDetailApi(APIView):
    """GET one publication; PATCH it (its own department only, 403 for another's)."""

    Output = PUBLICATION
    Input = PublicationEdit

    def get(self, request, pk):
        return Response(publication_data(access.access_department_publication_by_id(request.user, pk)))

    def patch(self, request, pk):
        publication = access.access_department_publication_by_id(request.user, pk, for_write=True)
        data = PublicationEdit(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(publication_data(publication_update(actor=request.user, publication=publication, **data.validated_data)))


class PublicationPublishApi(APIView):
    """POST: publish to every district (its own department only)."""

    Input = None
    Output = PUBLICATION

    def post(self, request, pk):
        publication = access.access_department_publication_by_id(request.user, pk, for_write=True)
        return Response(publication_data(publication_publish(actor=request.user, publication=publication)))
