"""Downloads of uploaded files, checked against the access rules of the object each file belongs to."""
import os

from django.db import connection
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_tenants.utils import get_public_schema_name

from accounts.access import user_from_request
from files import kinds
from files.storage import INLINE_TYPES, MIME_OF_EXTENSION


@require_safe
def download(request, kind, name):
    """GET /d/<slug>/files/<kind>/<name>: a file for a signed-in user who may read its object (the district gate
    has already turned away anonymous callers and other districts). 404 when the user may not read it."""
    return _serve(request, kind, name, public=False)


@require_safe
def public_download(request, kind, name):
    """GET /d/<slug>/public/files/<kind>/<name>: a file of a published object, for anyone. 404 otherwise."""
    return _serve(request, kind, name, public=True)


def _serve(request, kind_name, name, *, public):
    kind = kinds.get(kind_name)
    # A district kind at the root (its table is not in the public schema) or a province kind under /d/<slug>/:
    # not found before any lookup, whoever asks.
    if kind is None or kind.in_public_schema != (connection.schema_name == get_public_schema_name()):
        raise Http404(_("No such file."))
    owner = kind.find(f"{connection.schema_name}/{kind_name}/{name}")
    if owner is None:
        raise Http404(_("No such file."))
    published = kind.is_public(owner)
    allowed = published if public else kind.may_read(user_from_request(request), owner)
    if not allowed:
        # 404, not 403: a file one may not read does not reveal that it exists.
        raise Http404(_("No such file."))
    stored = getattr(owner, kind.field)
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(_("No such file."))
    ext = os.path.splitext(name)[1].lstrip(".")
    mime = MIME_OF_EXTENSION.get(ext, "application/octet-stream")
    stem = os.path.splitext(getattr(owner, kind.name_field) or "")[0] or os.path.splitext(name)[0]
    response = FileResponse(handle, content_type=mime, as_attachment=mime not in INLINE_TYPES, filename=f"{stem}.{ext}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private" if published else "private, no-store"
    return response
