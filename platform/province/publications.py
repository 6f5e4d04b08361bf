"""Step 2 (Đ5.2, Đ15.2): what the provincial departments publish for the districts (orientation, programmes and
resource information), written and published by each department's own accounts, with their files. Services and the
province API under /api/province/publications/ (the department's page is `province.views.publications_page`);
districts read the published ones (`plans.apis.orientation`) and pass them on with their orientation."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.models import DepartmentPublication
from accounts.publications import publication_data, publication_file_data
from core.links import is_safe_link
from core.openapi import valid_input
from files.uploads import checked_file
from geo.parsers import SafeJSONParser
from province.models import PublicationFile


@transaction.atomic
def publication_create(*, actor, plan_year: int, kind: str, title: str, summary: str = "", url: str = "", upload=None) -> DepartmentPublication:
    """A draft publication of the actor's own department (403 for anyone but a department account). `url` is an
    http(s) or site-relative link (400 otherwise); `upload` an optional file (`files.uploads.checked_file`, 400 naming
    `file`): a refusal writes nothing."""
    department = access.department_of(actor)
    access.require(access.can_publish_for_department(actor, department), _("Only a provincial department may publish this."))
    if url and not is_safe_link(url):
        raise ValidationError({"url": [_("The link must be an http:// or https:// address, or an address on this site.")]})
    checked = checked_file(upload, field="file") if upload else None
    publication = DepartmentPublication(department=department, plan_year=plan_year, kind=kind, title=title, summary=summary, url=url,
                                        created_by=actor)
    publication.full_clean()
    publication.save()
    if checked is not None:
        PublicationFile.objects.create(publication=publication, file=checked, file_name=checked.original_name)
    return publication


@transaction.atomic
def publication_file_add(*, actor, publication: DepartmentPublication, upload) -> PublicationFile:
    """Attach a file to a draft of the actor's own department (403 for another's; 400 on `status` once published, as
    any change; 400 naming `file` for a missing or refused upload)."""
    publication = DepartmentPublication.objects.select_for_update().select_related("department").get(pk=publication.pk)
    access.require(access.can_publish_for_department(actor, publication.department), _("Only the department that published it may change it."))
    if publication.published_at is not None:
        raise ValidationError({"status": [_("This publication is published and can no longer be changed.")]})
    if not upload:
        raise ValidationError({"file": [_("Choose a file.")]})
    checked = checked_file(upload, field="file")
    return PublicationFile.objects.create(publication=publication, file=checked, file_name=checked.original_name)


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
        raise ValidationError({"status": [_("Already published.")]})
    publication.published_at = timezone.now()
    publication.save(update_fields=["published_at"])
    return publication


class PublicationInput(serializers.Serializer):
    plan_year = serializers.IntegerField(min_value=2016, max_value=2100)
    kind = serializers.ChoiceField(choices=DepartmentPublication.Kind.choices)
    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    url = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PublicationCreateInput(PublicationInput):
    file = serializers.FileField(required=False, help_text="an optional file (multipart), checked like every upload")


class PublicationEdit(PublicationInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class PublicationFileOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField(help_text="served only to those who may read the publication")


class PublicationOutput(serializers.Serializer):
    """The shape of `publication_data`."""

    id = serializers.IntegerField()
    department = serializers.CharField(help_text="the department's code")
    department_name = serializers.CharField()
    plan_year = serializers.IntegerField()
    kind = serializers.CharField(help_text="orientation, programme or resources")
    kind_label = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True, help_text="null while a draft")
    files = PublicationFileOutput(many=True)


class PublicationListApi(APIView):
    """GET the publications the caller may read (`plan_year`); POST `{plan_year, kind, title, summary, url}` a draft of
    the caller's own department (department accounts only, 403 otherwise), as JSON or multipart with an optional
    `file`."""

    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]
    Input = PublicationCreateInput
    query_parameters = [OpenApiParameter("plan_year", OpenApiTypes.INT, description="only this plan year")]
    Output = {"get": inline_serializer("ProvincePublicationList", {"results": PublicationOutput(many=True)}),
              "post": {201: PublicationOutput}}
    operation_id = {"get": "province_publications_list"}

    def get(self, request):
        publications = access.department_publication_scope(request.user, DepartmentPublication.objects.select_related("department")
                                                           .prefetch_related("files"))
        year = request.query_params.get("plan_year", "")
        if year.isdigit():
            publications = publications.filter(plan_year=int(year))
        return Response({"results": [publication_data(p) for p in publications]})

    def post(self, request):
        access.require(access.department_of(request.user) is not None, _("Only a provincial department may publish this."))
        data = valid_input(PublicationCreateInput, request.data)
        fields = dict(data)
        publication = publication_create(actor=request.user, upload=fields.pop("file", None), **fields)
        return Response(publication_data(publication), status=201)


class PublicationDetailApi(APIView):
    """GET one publication; PATCH it (its own department only, 403 for another's)."""

    Input = PublicationEdit
    Output = PublicationOutput

    def get(self, request, pk):
        return Response(publication_data(access.access_department_publication_by_id(request.user, pk)))

    def patch(self, request, pk):
        publication = access.access_department_publication_by_id(request.user, pk, for_write=True)
        data = valid_input(PublicationEdit, request.data, partial=True)
        return Response(publication_data(publication_update(actor=request.user, publication=publication, **data)))


class PublicationPublishApi(APIView):
    """POST: publish to every district (its own department only)."""

    Input = None
    Output = PublicationOutput

    def post(self, request, pk):
        publication = access.access_department_publication_by_id(request.user, pk, for_write=True)
        return Response(publication_data(publication_publish(actor=request.user, publication=publication)))


class PublicationFileApi(APIView):
    """POST (multipart, `file`): attach a file to a draft of the caller's own department; 201 with the file
    `{id, name, url}` (the url is served through the access check: readers of the publication only)."""

    parser_classes = [MultiPartParser, FormParser]

    class Input(serializers.Serializer):
        file = serializers.FileField()

    Output = {201: PublicationFileOutput}

    def post(self, request, pk):
        publication = access.access_department_publication_by_id(request.user, pk, for_write=True)
        data = valid_input(self.Input, request.data)
        return Response(publication_file_data(publication_file_add(actor=request.user, publication=publication, upload=data["file"])),
                        status=201)
