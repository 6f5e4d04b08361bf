"""The reports list reads `level` by its declared values: an unknown one is a 400 naming it, never the whole list."""
import pytest

pytestmark = pytest.mark.django_db
URL = "/d/yen-phong/api/monitoring/reports/"


@pytest.mark.parametrize("level", ["village", "unit", "commune", ""])
def test_the_declared_levels_are_taken(client_for, level):
    assert client_for("huyen.yen-phong").get(URL, {"level": level}).status_code == 200


def test_an_unknown_level_is_a_400_naming_it_in_vietnamese(client_for):
    answer = client_for("huyen.yen-phong").get(URL, {"level": "zzz"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert answer.status_code == 400 and list(answer.json()) == ["level"], answer.content[:300]
    assert "zzz" in answer.json()["level"][0] and "lựa chọn" in answer.json()["level"][0]
