"""Where uploaded files live and the URL each is fetched from.

Every upload is stored as `MEDIA_ROOT/<district schema>/<kind>/<32 random hex>.<extension of its sniffed type>`:
the schema says whose it is, the random name cannot be guessed, and the extension is ours, never the
sender's. The original file name is kept in the database for display. `/media/` is never served: files
are fetched through `files.views` (`/d/<slug>/files/<kind>/<name>` and `/d/<slug>/public/files/…`),
which ask `accounts.access` whether the caller may read the object the file belongs to.
"""
import os
import re
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.utils.deconstruct import deconstructible

from tenants.models import District

# Sniffed MIME type → (stored extension, extensions a sender may give such a file).
TYPES = {
    "image/jpeg": ("jpg", {"jpg", "jpeg", "jpe", "jfif"}),
    "image/png": ("png", {"png"}),
    "image/webp": ("webp", {"webp"}),
    "application/pdf": ("pdf", {"pdf"}),
    "application/msword": ("doc", {"doc"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx", {"docx"}),
    "application/vnd.ms-excel": ("xls", {"xls"}),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx", {"xlsx"}),
    "application/vnd.oasis.opendocument.text": ("odt", {"odt"}),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods", {"ods"}),
}
MIME_OF_EXTENSION = {ext: mime for mime, (ext, _) in TYPES.items()}
# Shown in the browser (images and PDF); everything else is downloaded (Content-Disposition: attachment).
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
KIND_PATTERN = r"[a-z][a-z0-9-]{0,40}"
NAME_PATTERN = r"[0-9a-f]{32}\.[a-z0-9]{2,5}"
STORED_NAME = re.compile(rf"^(?P<schema>[a-z0-9_]+)/(?P<kind>{KIND_PATTERN})/(?P<file>{NAME_PATTERN})$")


@deconstructible
class DistrictPath:
    """`upload_to` of every upload field: `<schema of the current district>/<kind>/<random hex>.<ext>`.

    The extension is taken from the name `files.uploads.checked_file` gave the file (that of the sniffed type);
    one we do not know becomes `.bin`, served as a download. Refuses (ValueError) to store outside a district.
    """

    def __init__(self, kind):
        self.kind = kind

    def __call__(self, instance, filename):
        schema = connection.schema_name
        if not schema or schema == getattr(settings, "PUBLIC_SCHEMA_NAME", "public"):
            raise ValueError("uploads belong to a district: save them inside a district schema")
        ext = os.path.splitext(filename)[1].lower().lstrip(".")
        if ext not in MIME_OF_EXTENSION:
            ext = "bin"
        return f"{schema}/{self.kind}/{uuid.uuid4().hex}.{ext}"

    def __eq__(self, other):
        return isinstance(other, DistrictPath) and other.kind == self.kind


def _district_slug(schema):
    tenant = getattr(connection, "tenant", None)
    if tenant is not None and tenant.schema_name == schema:
        return tenant.slug
    return District.objects.filter(schema_name=schema).values_list("slug", flat=True).first()


def file_url(name, *, public=False):
    """The download route of a stored file: `/d/<slug>/files/<kind>/<file>` (staff, signed in) or
    `/d/<slug>/public/files/<kind>/<file>` (anyone, published objects only). None for a name not in the layout
    (a file not yet moved by `manage.py files_relayout`)."""
    match = STORED_NAME.match(name or "")
    slug = match and _district_slug(match["schema"])
    if not slug:
        return None
    prefix = "public/files" if public else "files"
    return f"/{settings.TENANT_SUBFOLDER_PREFIX}/{slug}/{prefix}/{match['kind']}/{match['file']}"


def file_url_sql(column, *, public=False):
    """SQL giving `file_url(<column>)` inside PostgreSQL (for the layers built as GeoJSON there): the download route
    `/d/<slug>/files/<kind>/<file>` (or `/public/files/…`) of a stored name, NULL for a name not in the layout."""
    prefix = "public/files" if public else "files"
    pattern = f"^[a-z0-9_]+/{KIND_PATTERN}/{NAME_PATTERN}$"
    return (f"CASE WHEN {column} ~ '{pattern}' THEN '/{settings.TENANT_SUBFOLDER_PREFIX}/' || "
            f"(SELECT d.slug FROM public.{District._meta.db_table} d WHERE d.schema_name = split_part({column}, '/', 1)) "
            f"|| '/{prefix}/' || substring({column} from '^[^/]+/(.*)$') END")


def public_file_url(field_file):
    """The public route of a file field's file, or None when the field is empty."""
    return file_url(field_file.name, public=True) if field_file else None


class DistrictFileStorage(FileSystemStorage):
    """MEDIA_ROOT on disk; `url()` is the access-checked staff route, never `/media/`."""

    def url(self, name):
        return file_url(name) or ""


district_storage = DistrictFileStorage()


def get_district_storage():
    return district_storage


def upload_field(kind, verbose_name=None, **options):
    """The FileField of an upload of `kind`: stored by `DistrictPath(kind)` in the district storage (names up to
    200 characters: `<schema>/<kind>/<32 hex>.<ext>`). Fill it with `files.uploads.checked_file`."""
    from django.db import models

    return models.FileField(verbose_name, upload_to=DistrictPath(kind), storage=get_district_storage, max_length=200, **options)
