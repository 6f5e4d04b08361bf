"""Checks on uploaded files: size, and that the content is what its name and type claim."""
import filetype
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
DOCUMENT_TYPES = PHOTO_TYPES | {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def checked_upload(upload, *, field, allowed=DOCUMENT_TYPES):
    """Return the upload's real MIME type, or raise a 400 naming `field` (too large, broken, or not what it claims)."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({field: [_("The file is larger than the limit of %(limit)s MB.") % {"limit": limit // (1024 * 1024)}]})
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    real = kind.mime if kind else None
    if real is None or real not in allowed:
        raise ValidationError({field: [_("This kind of file is not accepted; send a photo (JPEG, PNG, WebP), PDF, Word or Excel file.")]})
    declared = (upload.content_type or "").split(";")[0].strip()
    if declared and declared != "application/octet-stream" and declared != real:
        raise ValidationError({field: [_("The file's content (%(real)s) does not match its declared type (%(declared)s).") % {"real": real, "declared": declared}]})
    if real in PHOTO_TYPES:
        _check_pixels(upload, field)
    return real


def _check_pixels(upload, field):
    """Refuse a photo of more than IMAGE_MAX_PIXELS pixels (a decompression bomb), reading only its header."""
    from PIL import Image

    limit = settings.IMAGE_MAX_PIXELS
    too_big = readable = False
    try:
        with Image.open(upload) as image:
            width, height = image.size
        readable, too_big = True, width * height > limit
    except Image.DecompressionBombError:  # Pillow's own ceiling, twice its MAX_IMAGE_PIXELS
        readable = too_big = True
    except (OSError, ValueError, SyntaxError):
        pass
    finally:
        upload.seek(0)
    if not readable:
        raise ValidationError({field: [_("The photo could not be read.")]})
    if too_big:
        raise ValidationError({field: [_("The photo has more pixels than the limit of %(limit)s million.") % {"limit": round(limit / 1e6)}]})
