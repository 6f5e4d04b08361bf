"""The duty pages render in Vietnamese for those who may read them, with forms only for those who may write."""
import pytest

from accounts.models import User
from guidance.models import Document


@pytest.mark.django_db
def test_the_library_page_shows_staff_only_documents_to_staff_only(client_for):
    tinh = User.objects.get(username="tinh")
    Document.objects.create(kind="handbook", title="Sổ tay công khai", issued_on="2015-04-15", issuer="UBND tỉnh", is_public=True, created_by=tinh)
    Document.objects.create(kind="guidance", title="Hướng dẫn nội bộ", issued_on="2016-01-05", issuer="Sở KH&ĐT", created_by=tinh)
    anonymous = client_for(None).get("/province/library/").content.decode()
    assert "Thư viện tài liệu" in anonymous and "Sổ tay công khai" in anonymous and "Hướng dẫn nội bộ" not in anonymous
    assert 'data-testid="document-form"' not in anonymous
    staff = client_for("xa.09193").get("/province/library/").content.decode()
    assert "Hướng dẫn nội bộ" in staff and "chỉ cán bộ" in staff and 'data-testid="document-form"' not in staff
    assert 'data-testid="document-form"' in client_for("tinh").get("/province/library/").content.decode()


@pytest.mark.django_db
def test_training_and_communication_pages_follow_the_access_rules(client_for):
    assert client_for("xa.09193").get("/province/training/").status_code == 404
    assert client_for(None).get("/province/training/").status_code == 302
    page = client_for("tinh").get("/province/training/").content.decode()
    assert "Chưa được tập huấn, theo xã" in page and "xa.09193" in page
    assert "Truyền thông" in client_for("xa.09193").get("/province/communication/").content.decode()


@pytest.mark.django_db
def test_the_district_pages_offer_their_forms_to_their_writers(client_for):
    assert 'data-testid="inspection-form"' in client_for("huyen.yen-phong").get("/d/yen-phong/duties/inspections/").content.decode()
    assert 'data-testid="inspection-form"' not in client_for("xa.09193").get("/d/yen-phong/duties/inspections/").content.decode()
    assert 'data-testid="difficulty-form"' in client_for("xa.09193").get("/d/yen-phong/duties/difficulties/").content.decode()
    assert 'data-testid="difficulty-form"' not in client_for("huyen.yen-phong").get("/d/yen-phong/duties/difficulties/").content.decode()
    assert client_for("huyen.que-vo").get("/d/yen-phong/duties/difficulties/").status_code == 404
