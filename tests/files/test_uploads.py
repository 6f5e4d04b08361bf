"""Issue 11, part 2: what is stored is what was checked, under a district path with a random name, and it is
served so that a browser cannot be talked into running it."""
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from PIL import Image

from accounts.models import User
from monitoring.models import EvidencePhoto
from plans.models import StepEvidence
from proposals.models import Attachment, Proposal
from tests.files.conftest import HTML, PDF, huge_png, jpeg_with_gps_and_orientation, png, polyglot
from tests.investment.factories import CHO, point
from tests.monitoring.factories import approved_plan
from tests.monitoring.test_chain import approved_me_plan
from tests.proposals.conftest import URL, feature

pytestmark = pytest.mark.django_db
STORED = re.compile(r"^d258/(?P<kind>[a-z-]+)/[0-9a-f]{32}\.(?P<ext>[a-z]+)$")


def client(username):
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


@pytest.fixture
def proposal(district, media):
    connection.set_tenant(district("yen-phong"))
    return client("thon.09193-01").post(URL, feature(), content_type="application/json").json()["id"]


def attach(proposal, name, content, content_type, **headers):
    return client("thon.09193-01").post(f"{URL}{proposal}/attachments/", {"file": SimpleUploadedFile(name, content, content_type=content_type)}, **headers)


def stored_files(media):
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def test_polyglot_named_html_is_refused_and_nothing_is_stored(proposal, media):
    response = attach(proposal, "x.html", polyglot(), "text/html")
    assert response.status_code == 400 and "file" in response.json()
    response = attach(proposal, "x.html", polyglot(), "application/octet-stream", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["file"] == ["The file is named .html but its content is image/png; rename it or send the right file."]
    assert not Attachment.objects.filter(proposal_id=proposal).exists()
    assert stored_files(media) == []


def test_polyglot_named_png_is_stored_reencoded_without_the_html(proposal, media):
    response = attach(proposal, "x.png", polyglot(), "image/png")
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert STORED.match(attachment.file.name).group("kind", "ext") == ("proposal-attachments", "png")
    assert stored_files(media) == [attachment.file.name]
    on_disk = (media / attachment.file.name).read_bytes()
    assert b"<script" not in on_disk and b"<html" not in on_disk
    served = client("thon.09193-01").get(response.json()["url"])
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline")
    assert b"".join(served.streaming_content) == on_disk


def test_bytes_appended_after_iend_are_gone_after_reencoding(proposal, media):
    original = png(6, 5, (1, 2, 3))
    response = attach(proposal, "anh.png", original + b"TRAILING-SECRET" * 10, "image/png")
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(pk=response.json()["id"])
    kept = (media / attachment.file.name).read_bytes()
    assert b"TRAILING-SECRET" not in kept and kept.endswith(b"IEND\xaeB`\x82")
    assert attachment.size == len(kept)
    assert Image.open(io.BytesIO(kept)).convert("RGB").tobytes() == bytes([1, 2, 3]) * 30


def test_html_named_pdf_is_refused_as_cycle_evidence(district, media):
    yen_phong = district("yen-phong")
    plan = approved_plan(yen_phong, status="working")
    response = client("xa.09193").post(f"/d/yen-phong/api/plans/cycles/{plan.cycle_id}/evidence/", {
        "step": "approval", "title": "Biên bản", "file": SimpleUploadedFile("evil.pdf", HTML, content_type="application/pdf")})
    assert response.status_code == 400 and "file" in response.json()
    assert "không được chấp nhận" in response.json()["file"][0]  # Vietnamese by default
    assert not StepEvidence.objects.filter(cycle_id=plan.cycle_id).exists()
    assert stored_files(media) == []


def test_an_image_above_the_pixel_limit_is_refused_before_decoding(proposal, media, settings):
    big = huge_png()
    assert len(big) < 100_000  # 400 megapixels in under 100 kB
    response = attach(proposal, "to.png", big, "image/png", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["file"] == ["The image is larger than 40.0 megapixels; send a smaller photo."]
    settings.UPLOAD_MAX_PIXELS = 20
    assert attach(proposal, "nho.png", png(5, 5), "image/png").status_code == 400
    assert attach(proposal, "nho.png", png(5, 4), "image/png").status_code == 201
    assert Attachment.objects.filter(proposal_id=proposal).count() == 1


def test_a_huge_evidence_photo_is_refused_and_nothing_is_saved(district, media, client_for):
    yen_phong = district("yen-phong")
    team = client("xa.09193")
    me_plan = approved_me_plan(team, approved_plan(yen_phong))
    response = team.post("/d/yen-phong/api/monitoring/evidence/", {
        "me_plan": me_plan["id"], "photo": SimpleUploadedFile("anh.png", huge_png(), content_type="image/png"), "geometry": json.dumps(point(CHO))})
    assert response.status_code == 400 and "photo" in response.json()
    assert not EvidencePhoto.objects.exists() and stored_files(media) == []


def test_photo_exif_orientation_is_applied_and_gps_removed(district, media):
    yen_phong = district("yen-phong")
    team = client("xa.09193")
    me_plan = approved_me_plan(team, approved_plan(yen_phong))
    response = team.post("/d/yen-phong/api/monitoring/evidence/", {
        "me_plan": me_plan["id"], "photo": SimpleUploadedFile("IMG_0001.JPG", jpeg_with_gps_and_orientation(), content_type="image/jpeg"),
        "geometry": json.dumps(point(CHO))})
    assert response.status_code == 201, response.content
    photo = EvidencePhoto.objects.get()
    assert STORED.match(photo.photo.name).group("kind", "ext") == ("evidence-photos", "jpg") and photo.photo_name == "IMG_0001.JPG"
    kept = Image.open(media / photo.photo.name)
    assert kept.size == (20, 40)  # turned upright
    exif = kept.getexif()
    assert 0x8825 not in exif and 0x0112 not in exif and 0x010F not in exif
    served = team.get(response.json()["properties"]["url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"] == 'inline; filename="IMG_0001.jpg"'


def test_documents_are_downloaded_with_their_name_and_no_cache_while_draft(proposal, media):
    from openpyxl import Workbook

    book = io.BytesIO()
    Workbook().save(book)
    xlsx = attach(proposal, "dự toán.xlsx", book.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert xlsx.status_code == 201, xlsx.content
    served = client("xa.09193").get(xlsx.json()["url"])
    assert served["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert served["Content-Disposition"] == "attachment; filename*=utf-8''d%E1%BB%B1%20to%C3%A1n.xlsx"
    assert served["Cache-Control"] == "private, no-store" and served["X-Content-Type-Options"] == "nosniff"
    pdf = attach(proposal, "tờ trình", PDF, "application/pdf")  # no extension: ours is added
    served = client("xa.09193").get(pdf.json()["url"])
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"] == "inline; filename*=utf-8''t%E1%BB%9D%20tr%C3%ACnh.pdf"
    Proposal.objects.filter(pk=proposal).update(is_published=True)
    assert client("xa.09193").get(pdf.json()["url"])["Cache-Control"] == "private"


def test_media_is_not_served(proposal, media):
    response = attach(proposal, "anh.png", png(), "image/png")
    name = Attachment.objects.get(pk=response.json()["id"]).file.name
    assert client("thon.09193-01").get(f"/media/{name}").status_code == 404


def test_files_of_the_old_layout_are_moved_by_the_command(proposal, media):
    legacy = media / "proposals" / "2026"
    legacy.mkdir(parents=True)
    (legacy / "anh.png").write_bytes(png() + b"<html>appended</html>")
    (legacy / "trang.html").write_bytes(polyglot())
    kept = Attachment.objects.create(proposal_id=proposal, file="proposals/2026/anh.png", name="anh.png", content_type="image/png", size=1,
                                     uploaded_by=User.objects.get(username="thon.09193-01"))
    refused = Attachment.objects.create(proposal_id=proposal, file="proposals/2026/trang.html", name="trang.html", content_type="image/png",
                                        size=1, uploaded_by=User.objects.get(username="thon.09193-01"))
    out, err = io.StringIO(), io.StringIO()
    call_command("files_relayout", stdout=out, stderr=err)
    assert "moved 1 file(s); 1 left in place" in out.getvalue() and "trang.html refused" in err.getvalue()
    connection.set_tenant(connection.tenant)
    kept.refresh_from_db()
    refused.refresh_from_db()
    assert STORED.match(kept.file.name) and kept.name == "anh.png"
    assert b"<html>" not in (media / kept.file.name).read_bytes() and not (legacy / "anh.png").exists()
    assert refused.file.name == "proposals/2026/trang.html"
    assert client("xa.09193").get(kept.file.url).status_code == 200
    call_command("files_relayout", stdout=out, stderr=err)
    assert "moved 0 file(s); 1 left in place" in out.getvalue()


def test_no_file_is_added_once_the_team_has_decided(proposal, media):
    """A reviewer attached a file to a published proposal and it was public at once: files, like the text,
    can be added only until the team decides."""
    client("xa.09193").post(f"{URL}{proposal}/reject/", json.dumps({"reason": "Trùng"}), content_type="application/json")
    response = attach(proposal, "late.png", png(), "image/png")
    assert response.status_code == 400 and "status" in response.json()
    assert not Attachment.objects.filter(proposal_id=proposal).exists() and stored_files(media) == []


@pytest.mark.parametrize("declared", ["image/jpg", "image/pjpeg"])
def test_old_names_of_the_jpeg_type_are_accepted(proposal, media, declared):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    response = attach(proposal, "anh.jpg", buffer.getvalue(), declared)
    assert response.status_code == 201, response.content
    assert Attachment.objects.get(pk=response.json()["id"]).content_type == "image/jpeg"
