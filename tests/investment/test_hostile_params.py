"""Hostile query parameters on the district's investment pages and lists: a clear 400 naming the parameter, or the
page's default; never a 500 (issue 15 review, part 1)."""
import pytest

pytestmark = pytest.mark.django_db
HUGE = "9" * 30


@pytest.mark.parametrize("query", [
    f"plan={HUGE}", f"year={HUGE}", "plan=-1", "year=abc", "bbox=nan,nan,nan,nan", "bbox=1e999,0,0,0", "page_size=abc",
    f"page={HUGE}", "status=<img src=x onerror=alert(1)>", "sector=%00", "commune=" + "0" * 500, "source==HYPERLINK(1)",
])
def test_the_project_list_answers_400_or_200_never_500(client_for, query):
    response = client_for("huyen.yen-phong").get(f"/d/yen-phong/api/investment-projects/?{query}", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code in (200, 400, 404), (response.status_code, response.content[:300])
    if response.status_code == 400:
        assert query.split("=")[0] in response.json(), response.json()
    # A refusal may echo what was sent, as JSON data (nosniff): pages show it as text, never as markup.
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["investment/plans/", "investment/projects/", "investment/review/"])
@pytest.mark.parametrize("query", [f"plan={HUGE}", f"year={HUGE}", "plan=%00", "year=-5", f"project={HUGE}"])
def test_the_pages_answer_their_default_or_a_400_naming_the_parameter(client_for, path, query):
    response = client_for("huyen.yen-phong").get(f"/d/yen-phong/{path}?{query}")
    assert response.status_code in (200, 400), (response.status_code, response.content[:300])
    if response.status_code == 400:
        assert query.split("=")[0] in response.content.decode()


@pytest.mark.parametrize("suffix", [f"{HUGE}/", f"investment-plans/{HUGE}/projects.xlsx"])
def test_a_huge_id_is_a_404(client_for, suffix):
    url = f"/d/yen-phong/api/investment-projects/{suffix}" if not suffix.startswith("investment-plans") else f"/d/yen-phong/api/{suffix}"
    assert client_for("huyen.yen-phong").get(url).status_code == 404


@pytest.mark.parametrize("username", ["huyen.que-vo", "thon.09193-01", "hdnd.09193", "phong.yen-phong.gddt"])
def test_another_district_or_role_gets_neither_the_template_nor_the_import(client_for, username):
    client = client_for(username)
    assert client.get("/d/yen-phong/api/investment-projects/template.xlsx").status_code in (403, 404)
    assert client.post("/d/yen-phong/api/investment-projects/import/?preview=1", {"file": b""}).status_code in (403, 404)


def test_anonymous_is_asked_to_sign_in(client):
    assert client.get("/d/yen-phong/api/investment-projects/template.xlsx").status_code in (401, 403)
    assert client.get("/d/yen-phong/investment/projects/").status_code in (302, 403)
