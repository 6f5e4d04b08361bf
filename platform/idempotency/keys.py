"""`@idempotent`: a create sent twice with the same `Idempotency-Key` header is made once (issue 16, Đ5.1 offline).

The header follows the IETF draft "The Idempotency-Key HTTP Header Field" (draft-ietf-httpapi-idempotency-key-header)
and Stripe's API: a client-made key per item (here a UUID, any version), kept by the server for
`IDEMPOTENCY_KEY_DAYS` (default 30). Per (user, key), in the district's schema:

- first request: the view runs inside one transaction with the row `IdempotencyKey(user, key, fingerprint)`; a 2xx
  answer is stored on that row and both commit together; a refusal (400, 403, 404, any exception) rolls the row back
  with everything else, so the corrected item can be resent with the same key;
- the same key again, with the same method, path and body: the stored answer (same status and body) with
  `Idempotent-Replayed: true`; nothing is written. Sent concurrently, the second insert waits on the unique index until
  the first commits (then it replays) or rolls back (then it runs itself);
- the same key with another method, path or body: 422 `{"Idempotency-Key": [message]}`, nothing written (the draft's
  422; Stripe answers 400);
- a key that is not a UUID: 400 `{"Idempotency-Key": [message]}`. No header: the view runs as before.

The fingerprint is SHA-256 over the method, the path and the parsed body: JSON by its canonical text, multipart forms
by their fields and each file's SHA-256, so a retry with a new multipart boundary is the same request.
"""
import functools
import hashlib
import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from idempotency.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
BAD_KEY = _("The Idempotency-Key header must be a UUID, e.g. 3f2b8c1e-6a4d-4e0f-9b7a-1c2d3e4f5a6b.")
REUSED_KEY = _("This Idempotency-Key was already used for a different request: make a new key for a new item.")


class IdempotencyKeyReused(APIException):
    """422: the key was used before with another method, path or body (nothing was written)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


def key_from(request) -> uuid.UUID | None:
    """The request's `Idempotency-Key` as a UUID, None without the header; a 400 naming the header for anything else."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise ValidationError({HEADER: [BAD_KEY]}) from None


def _file_digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return "sha256:" + digest.hexdigest()


def _canonical(data):
    if hasattr(data, "lists"):  # QueryDict / MultiValueDict of a form, files included
        return {name: [_canonical(v) for v in values] for name, values in sorted(data.lists())}
    if isinstance(data, UploadedFile):
        return _file_digest(data)
    return data


def fingerprint_of(request) -> str:
    """SHA-256 (hex) of the method, the path and the parsed body (see the module)."""
    body = json.dumps(_canonical(request.data), sort_keys=True, cls=JSONEncoder, ensure_ascii=False)
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def _claim(*, user, key, fingerprint, request):
    """Insert the key's row (None) or return the row a committed request already holds; waits for a concurrent one."""
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint, method=request.method,
                                          path=request.path[:500], status=0)
        return None
    except IntegrityError:
        held = IdempotencyKey.objects.get(user=user, key=key)
        if held.created_at < timezone.now() - timedelta(days=settings.IDEMPOTENCY_KEY_DAYS):
            held.delete()  # expired but not yet swept: the key is free again
            return _claim(user=user, key=key, fingerprint=fingerprint, request=request)
        return held


def replay(held) -> Response:
    """The stored answer of a key, marked `Idempotent-Replayed: true`."""
    response = Response(held.body, status=held.status)
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent(handler):
    """Decorate an APIView's `post`/`patch` so that it honours `Idempotency-Key` (see the module).

    Runs after DRF's authentication and permissions (an anonymous request is a 401 before any key is read). The
    decorated handler gets `idempotent = True`, which `core.openapi.AutoSchema` reads to document the header and 422."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = key_from(request)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        fingerprint = fingerprint_of(request)
        with transaction.atomic():
            held = _claim(user=request.user, key=key, fingerprint=fingerprint, request=request)
            if held is not None:
                if held.fingerprint != fingerprint:
                    raise IdempotencyKeyReused({HEADER: [REUSED_KEY]})
                return replay(held)
            response = handler(view, request, *args, **kwargs)
            if not status.is_success(response.status_code):
                transaction.set_rollback(True)
                return response
            body = response.data if hasattr(response, "data") else json.loads(response.content)
            IdempotencyKey.objects.filter(user=request.user, key=key).update(
                status=response.status_code, body=json.loads(json.dumps(body, cls=JSONEncoder)))
        return response

    wrapper.idempotent = True
    return wrapper


def keys_expire(*, now=None) -> int:
    """Delete the keys of the current schema older than `IDEMPOTENCY_KEY_DAYS`; returns how many."""
    limit = (now or timezone.now()) - timedelta(days=settings.IDEMPOTENCY_KEY_DAYS)
    return IdempotencyKey.objects.filter(created_at__lt=limit).delete()[0]
