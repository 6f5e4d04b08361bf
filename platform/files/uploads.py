"""Checks on every uploaded file before it is stored: size, real type, name, and for images pixels and re-encoding."""
import io
import os
import warnings

import filetype
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from rest_framework.exceptions import ValidationError

from files.storage import TYPES

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
DOCUMENT_TYPES = set(TYPES)
_PILLOW_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


class CheckedFile(File):
    """An upload that passed `checked_file`: named `upload.<ext of its real type>` for storage, with
    `original_name` (the sender's name, for display), `content_type` (sniffed) and `size` (bytes, as stored)."""

    def __init__(self, file, *, ext, original_name, content_type):
        super().__init__(file, name=f"upload.{ext}")
        self.original_name = original_name
        self.content_type = content_type


# Names browsers and old clients still send for the types we accept.
_MIME_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png",
                 "application/x-pdf": "application/pdf", "application/acrobat": "application/pdf"}


def checked_file(upload, *, field, allowed=DOCUMENT_TYPES) -> CheckedFile:
    """Check an upload and return what to store, or raise a 400 naming `field`.

    Refused: over `UPLOAD_MAX_BYTES`; a content whose sniffed type (by its first bytes, `filetype`) is not in
    `allowed` (HTML named `evil.pdf` is not a PDF); a declared MIME type or a name extension that is not the
    sniffed type's (a PNG named `x.html`); an image above `UPLOAD_MAX_PIXELS` (checked from the header, before
    decoding) or that does not decode. Images (JPEG, PNG, WebP) are re-encoded by Pillow: anything appended to
    the file or hidden in metadata is dropped, EXIF orientation is applied and all EXIF, GPS included, is
    removed (the place of an evidence photo is its own geometry field); the first frame of an animation is kept.
    Documents are stored byte for byte.
    """
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({field: [_("The file is larger than the limit of %(limit)s MB.") % {"limit": limit // (1024 * 1024)}]})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    real = kind.mime if kind else None
    if real is None or real not in allowed:
        if allowed <= PHOTO_TYPES:
            message = _("This kind of file is not accepted; send a photo (JPEG, PNG or WebP).")
        else:
            message = _("This kind of file is not accepted; send a photo (JPEG, PNG, WebP), PDF, Word, Excel or OpenDocument file.")
        raise ValidationError({field: [message]})
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip()
    declared = _MIME_ALIASES.get(declared, declared)
    if declared and declared != "application/octet-stream" and declared != real:
        raise ValidationError({field: [_("The file's content (%(real)s) does not match its declared type (%(declared)s).") % {"real": real, "declared": declared}]})
    ext, names = TYPES[real]
    original = os.path.basename((upload.name or "").replace("\\", "/"))[:255] or f"file.{ext}"
    given = os.path.splitext(original)[1].lower().lstrip(".")
    if given and given not in names:
        raise ValidationError({field: [_("The file is named .%(given)s but its content is %(real)s; rename it or send the right file.") % {"given": given, "real": real}]})
    if real in PHOTO_TYPES:
        return CheckedFile(ContentFile(_reencoded(upload, real, field)), ext=ext, original_name=original, content_type=real)
    return CheckedFile(upload, ext=ext, original_name=original, content_type=real)


def _too_many_pixels(field):
    limit = settings.UPLOAD_MAX_PIXELS
    return ValidationError({field: [_("The image is larger than %(limit)s megapixels; send a smaller photo.") % {"limit": round(limit / 1_000_000, 1)}]})


def _reencoded(upload, mime, field) -> bytes:
    """The image decoded and written again in its own format (bytes), or a 400."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            width, height = image.size
            if width * height > settings.UPLOAD_MAX_PIXELS:
                raise _too_many_pixels(field)
            image.load()
        image = ImageOps.exif_transpose(image)
        fmt = _PILLOW_FORMAT[mime]
        if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        elif fmt == "WEBP" and image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
        # No PNG `optimize`: it tries every filter and costs seconds on a large image (a denial of service).
        options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
        if image.info.get("icc_profile"):
            options["icc_profile"] = image.info["icc_profile"]
        out = io.BytesIO()
        image.save(out, fmt, **options)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(field)
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError({field: [_("The image is damaged or incomplete and cannot be read.")]})
    finally:
        upload.seek(0)
    return out.getvalue()
