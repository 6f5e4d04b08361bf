"""The provincial departments' publications (Đ5.2, Đ15.2) with their files: written by a department, its files served
only to those who may read the publication, frozen once published, and listed with their files where the districts
pass them on; the page and its menu entry for departments and province staff."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import DepartmentPublication
from province.models import PublicationFile

API = "/api/province/publications/"


def pdf(name="dinh-huong.pdf", body=b"%PDF-1.4 dinh huong nganh"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.mark.django_db
def test_a_department_writes_with_a_file_adds_one_publishes_and_the_files_follow_the_publication(client_for):
    khdt = client_for("so.khdt")
    made = khdt.post(API, {"plan_year": 2031, "kind": "orientation", "title": "Định hướng ngành 2031", "file": pdf()})
    assert made.status_code == 201, made.content
    body = made.json()
    assert [f["name"] for f in body["files"]] == ["dinh-huong.pdf"] and body["published_at"] is None
    pk, url = body["id"], body["files"][0]["url"]
    added = khdt.post(f"{API}{pk}/files/", {"file": pdf("nguon-luc.pdf")})
    assert added.status_code == 201 and added.json()["name"] == "nguon-luc.pdf"
    # A draft's files: its department reads them, another department and the districts do not.
    assert khdt.get(url).status_code == 200 and b"dinh huong nganh" in b"".join(khdt.get(url).streaming_content)
    assert client_for("so.tc").get(url).status_code in (403, 404)
    assert client_for("huyen.yen-phong").get(url).status_code in (403, 404)
    assert khdt.post(f"{API}{pk}/publish/").status_code == 200
    # Published: every government user reads it, with its files; citizens and visitors do not; it is frozen.
    assert client_for("huyen.yen-phong").get(url).status_code == 200
    assert client_for("xa.09193").get(url).status_code == 200
    assert client_for(None).get(url).status_code in (302, 401, 403, 404)
    frozen = khdt.post(f"{API}{pk}/files/", {"file": pdf("muon.pdf")})
    assert frozen.status_code == 400 and "status" in frozen.json()
    listed = client_for("huyen.yen-phong").get("/d/yen-phong/api/plans/department-publications/?plan_year=2031").json()["results"]
    assert [f["name"] for f in next(p for p in listed if p["id"] == pk)["files"]] == ["dinh-huong.pdf", "nguon-luc.pdf"]


@pytest.mark.django_db
def test_a_refused_file_or_field_writes_nothing_and_names_the_field_in_vietnamese(client_for):
    khdt = client_for("so.khdt")
    before = (DepartmentPublication.objects.count(), PublicationFile.objects.count())
    html = khdt.post(API, {"plan_year": 2031, "kind": "orientation", "title": "T", "file": pdf("evil.pdf", b"<html><script>alert(1)</script>")})
    assert html.status_code == 400 and list(html.json()) == ["file"]
    no_title = khdt.post(API, {"plan_year": 2031, "kind": "orientation", "title": "", "file": pdf()})
    assert no_title.status_code == 400 and "title" in no_title.json() and "không được" in no_title.json()["title"][0]
    bad_link = khdt.post(API, {"plan_year": 2031, "kind": "orientation", "title": "T", "url": "javascript:alert(1)"})
    assert bad_link.status_code == 400 and "url" in bad_link.json()
    assert (DepartmentPublication.objects.count(), PublicationFile.objects.count()) == before
    # Only a department writes; another department may not add a file to this one's draft.
    assert client_for("huyen.yen-phong").post(API, {"plan_year": 2031, "kind": "orientation", "title": "T"}).status_code == 403
    pk = khdt.post(API, {"plan_year": 2031, "kind": "programme", "title": "Chương trình"}).json()["id"]
    assert client_for("so.tc").post(f"{API}{pk}/files/", {"file": pdf()}).status_code in (403, 404)
    empty = khdt.post(f"{API}{pk}/files/", {})
    assert empty.status_code == 400 and "file" in empty.json()


@pytest.mark.django_db
def test_the_page_and_its_menu_entry_are_for_departments_and_province_staff(client_for):
    page = client_for("so.khdt").get("/province/publications/").content.decode()
    assert "Công bố của các sở, ban, ngành" in page and 'data-testid="publication-form"' in page
    assert 'href="/province/publications/"' in client_for("so.khdt").get("/inbox/").content.decode()
    staff = client_for("tinh").get("/province/publications/").content.decode()
    assert 'data-testid="publication-form"' not in staff and 'data-testid="publications"' in staff
    assert client_for("huyen.yen-phong").get("/province/publications/").status_code == 403
    assert client_for(None).get("/province/publications/").status_code == 302


@pytest.mark.django_db
def test_publishing_twice_answers_on_status_like_every_change_to_a_published_one(client_for):
    khdt = client_for("so.khdt")
    pk = khdt.post(API, {"plan_year": 2031, "kind": "resources", "title": "Nguồn lực 2031"}).json()["id"]
    assert khdt.post(f"{API}{pk}/publish/").status_code == 200
    again = khdt.post(f"{API}{pk}/publish/")
    assert again.status_code == 400 and list(again.json()) == ["status"], again.content
    changed = khdt.patch(f"{API}{pk}/", {"title": "Khác"}, content_type="application/json")
    assert changed.status_code == 400 and list(changed.json()) == ["status"], changed.content


@pytest.mark.django_db
def test_the_district_and_the_province_give_a_publication_the_same_shape(client_for):
    khdt = client_for("so.khdt")
    pk = khdt.post(API, {"plan_year": 2031, "kind": "orientation", "title": "Định hướng 2031", "file": pdf()}).json()["id"]
    khdt.post(f"{API}{pk}/publish/")
    province = client_for("tinh").get(f"{API}{pk}/").json()
    district = client_for("huyen.yen-phong").get("/d/yen-phong/api/plans/department-publications/?plan_year=2031").json()["results"]
    assert next(p for p in district if p["id"] == pk) == province


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["xa.09193", "thon.09193-01", "hdnd.09193"])
def test_a_refusal_comes_before_a_bad_plan_year(client_for, username):
    url = "/d/yen-phong/api/plans/department-publications/"
    caller = client_for(username)
    assert caller.get(url).status_code == 403
    assert caller.get(url, {"plan_year": "-1' OR 1=1"}).status_code == 403
    # Those who may read it still get the 400 naming the parameter.
    bad = client_for("huyen.yen-phong").get(url, {"plan_year": "-1' OR 1=1"})
    assert bad.status_code == 400 and list(bad.json()) == ["plan_year"]
