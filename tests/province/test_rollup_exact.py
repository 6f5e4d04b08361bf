"""Money split between the communes a project serves adds up to the đồng, and incremental refreshes equal a rebuild."""
from datetime import date

import pytest
from django.db import connection

from investment import services
from province.models import InvestmentRollup
from province.services import rollup_rebuild
from tests.investment.factories import district_user, make_plan, make_project

pytestmark = pytest.mark.django_db


def rows(**filters):
    connection.set_schema_to_public()
    return list(InvestmentRollup.objects.filter(district_code="258", **filters))


def test_a_project_over_three_communes_splits_every_amount_to_the_dong(district):
    connection.set_schema_to_public()
    rollup_rebuild()
    yp = district("yen-phong")
    plan = make_plan(yp, approve=True)
    before = {(r.commune_code, r.year, r.sector, r.source): r for r in rows()}
    # 1,000,000,001 đồng in sources (666,666,667 + 333,333,334); half of each allocated: 500,000,000 (not divisible by 3).
    road = make_project(yp, code="EX-1", plan=plan, total=1_000_000_001)
    connection.set_tenant(yp)
    actor = district_user()
    services.project_update(district=yp, project=road, actor=actor, communes=["09193", "09217", "09196"])
    services.project_transition(project=road, actor=actor, action="prepare")
    services.project_transition(project=road, actor=actor, action="approve", decision_number="9/QĐ", decision_date=date(2026, 1, 9))
    services.disbursement_record(project=road, actor=actor, paid_on=date(2026, 4, 1), amount=100_000_001, physical_progress=10)

    def added(r, field):
        old = before.get((r.commune_code, r.year, r.sector, r.source))
        return getattr(r, field) - (getattr(old, field) if old else 0)

    communes = [r for r in rows(year=None, sector="transport", source="") if r.commune_code in ("09193", "09217", "09196")]
    district_row = rows(commune_code="", year=None, sector="transport", source="")[0]
    for field, truth in [("total_investment", 1_000_000_001), ("planned", 666_666_667 // 2 + 333_333_334 // 2),
                         ("allocated", 666_666_667 // 2 + 333_333_334 // 2), ("disbursed", 100_000_001)]:
        assert sum(added(r, field) for r in communes) == truth, field
        assert added(district_row, field) == truth, field
    # The odd đồng go to the lowest codes: 09193 then 09196.
    disbursed = {r.commune_code: added(r, "disbursed") for r in communes}
    assert disbursed == {"09193": 33_333_334, "09196": 33_333_334, "09217": 33_333_333}
    incremental = _key_rows()
    rollup_rebuild()
    assert _key_rows() == incremental


def _key_rows():
    return sorted(((r.commune_code, r.year, r.sector, r.source, r.total_investment, r.planned, r.allocated, r.disbursed,
                    r.project_count, r.progress_weight, r.village_proposals) for r in rows()), key=str)


def test_refreshes_of_one_district_wait_for_each_other_until_the_writer_commits(district):
    """Two writers in one district: the second's refresh waits for the first's commit (advisory lock), so it computes
    from data that includes the first's write. Another district is not held up."""
    import psycopg
    from django.conf import settings

    from province.services import rollup_refresh

    yp = district("yen-phong")
    connection.set_schema_to_public()
    rollup_refresh(district=yp, commune_codes=["09193"])  # inside the test's transaction: the lock stays held
    db = settings.DATABASES["default"]
    with psycopg.connect(dbname=connection.settings_dict["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
                         port=db["PORT"], autocommit=True) as other:
        held = "SELECT pg_try_advisory_lock(hashtext('province_rollup:' || %s))"
        assert other.execute(held, ["258"]).fetchone()[0] is False
        assert other.execute(held, ["259"]).fetchone()[0] is True
        other.execute("SELECT pg_advisory_unlock_all()")
