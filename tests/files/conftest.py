"""Builders of the files the upload tests send: small real images and documents, and the hostile ones of issue 11."""
import io
import struct
import zlib

import pytest
from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def png(width=4, height=3, colour=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps_and_orientation():
    """A 40×20 JPEG whose EXIF says "rotate 90° clockwise to display" (orientation 6) and carries a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Test camera"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (21.0, 12.0, 0.0), "E", (105.0, 56.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 120, 10)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def huge_png(width=20000, height=20000):
    """A black-and-white PNG of width×height pixels that is only tens of kB on disk (every row compresses to nothing)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def polyglot():
    """A valid PNG followed by an HTML document: a browser sniffing it as HTML would run the script."""
    return png() + HTML


@pytest.fixture
def media(settings, tmp_path):
    """A fresh MEDIA_ROOT for the test."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
