"""The district dashboard (every commune of the district) and the province table (every district)."""
import json

import pytest

D = "/d/yen-phong/api/plans"


def open_cycle(client, commune, year=2027):
    r = client.post(f"{D}/cycles/", json.dumps({"commune": commune, "plan_year": year}), content_type="application/json")
    assert r.status_code == 201, r.content
    return r.json()["id"]


@pytest.mark.django_db
def test_district_dashboard_lists_every_commune_and_its_state(client_for):
    huyen = client_for("huyen.yen-phong")
    open_cycle(client_for("xa.09193"), "09193")
    open_cycle(huyen, "09196", 2040)  # far in the future: nothing is due yet
    rows = huyen.get(f"{D}/dashboard/?plan_year=2027").json()["communes"]
    assert len(rows) == 14
    by_code = {r["commune"]: r for r in rows}
    # Today is after every 2027 deadline but the first ones; an unfinished cycle of 2027 is overdue.
    assert by_code["09193"]["step"] == "team" and by_code["09193"]["state"] in ("overdue", "in_progress")
    assert by_code["09196"]["state"] == "no_cycle"
    future = {r["commune"]: r for r in huyen.get(f"{D}/dashboard/?plan_year=2040").json()["communes"]}
    assert future["09196"]["state"] == "in_progress" and future["09196"]["overdue_steps"] == []
    mine = client_for("xa.09193").get(f"{D}/dashboard/?plan_year=2027").json()["communes"]
    assert [r["commune"] for r in mine] == ["09193"]  # a commune sees its own row
    assert huyen.get(f"{D}/dashboard/?plan_year=abc").status_code == 400
    page = huyen.get("/d/yen-phong/plans/?plan_year=2027")
    assert page.status_code == 200 and "Thị trấn Chờ" in page.content.decode()


@pytest.mark.django_db
def test_district_dashboard_queries_do_not_grow_with_cycles(client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    huyen = client_for("huyen.yen-phong")
    open_cycle(huyen, "09196")
    huyen.get(f"{D}/dashboard/?plan_year=2027")
    with CaptureQueriesContext(connection) as one:
        assert huyen.get(f"{D}/dashboard/?plan_year=2027").status_code == 200
    for code in ("09199", "09202"):
        open_cycle(huyen, code)
    with CaptureQueriesContext(connection) as three:
        assert len(huyen.get(f"{D}/dashboard/?plan_year=2027").json()["communes"]) == 14
    assert len(three.captured_queries) == len(one.captured_queries) < 30


@pytest.mark.django_db
def test_province_table_across_districts(client_for):
    open_cycle(client_for("xa.09193"), "09193", 2040)
    tinh = client_for("tinh")
    r = tinh.get("/api/plans/cycles/?plan_year=2040")
    assert r.status_code == 200
    rows = {d["slug"]: d for d in r.json()["districts"]}
    assert len(rows) == 8
    assert rows["yen-phong"]["cycles"] == 1 and rows["yen-phong"]["by_step"] == {"team": 1} and rows["yen-phong"]["communes"] == 14
    assert rows["que-vo"]["cycles"] == 0
    assert client_for("huyen.yen-phong").get("/api/plans/cycles/?plan_year=2040").status_code == 403
    assert client_for(None).get("/api/plans/cycles/?plan_year=2040").status_code == 401
    page = tinh.get("/plans/?plan_year=2040")
    assert page.status_code == 200 and "Huyện Yên Phong" in page.content.decode()
    assert client_for("huyen.yen-phong").get("/plans/").status_code == 403
