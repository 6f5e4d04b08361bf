"""Village proposals move the province's figures in the same transaction (issue 7): new ones, a sector change, a merge,
and a project answering (or no longer answering) one in another commune."""
import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from investment import services as investment_services
from proposals import services as proposal_services
from province.models import InvestmentRollup
from province.services import rollup_rebuild
from tests.investment.factories import DONG_TIEN, district_user, make_project, point
from tests.proposals.conftest import feature, inside

pytestmark = pytest.mark.django_db

URL = "/d/yen-phong/api/proposals/"


@pytest.fixture
def yp(district):
    connection.set_schema_to_public()
    rollup_rebuild()
    return district("yen-phong")


def village(commune="", sector=None):
    """(village proposals, funded) of a commune ('' : the district row), all years and sources, one sector or all."""
    connection.set_schema_to_public()
    rows = InvestmentRollup.objects.filter(district_code="258", commune_code=commune, year=None, source="")
    if sector:
        rows = rows.filter(sector=sector)
    return sum(r.village_proposals for r in rows), sum(r.village_proposals_funded for r in rows)


def all_rows():
    connection.set_schema_to_public()
    return sorted(InvestmentRollup.objects.filter(district_code="258").exclude(project_count=0, village_proposals=0).values_list(
        "commune_code", "year", "sector", "source", "total_investment", "project_count", "village_proposals", "village_proposals_funded"), key=str)


def test_village_proposals_move_the_province_share_funded_at_once(yp, client_for):
    commune_before, district_before = village("09193"), village()
    # A village head submits a proposal through the API: the province counts it now, not at the next investment write.
    response = client_for("thon.09193-01").post(URL, feature("09193", coordinates=inside("09193-01")), content_type="application/json")
    assert response.status_code == 201, response.content
    first = response.json()["id"]
    assert village("09193") == (commune_before[0] + 1, commune_before[1])
    assert village() == (district_before[0] + 1, district_before[1])
    transport = village("09193", "transport")

    # Its sector changes: the province's figures by sector follow.
    connection.set_tenant(yp)
    head = User.objects.get(username="thon.09193-01")
    proposal_services.proposal_update(actor=head, proposal_id=first, sector="education")
    assert village("09193", "transport")[0] == transport[0] - 1
    assert village("09193", "education")[0] >= 1

    # A project in another commune (Đông Tiến) that also serves Chờ answers it: funded in Chờ, where the proposal was
    # made (a project links only proposals of the communes it serves).
    project = make_project(yp, code="VP-1", geometry=point(DONG_TIEN), communes=["09217", "09193"], proposals=[first])
    assert village("09193")[1] == commune_before[1] + 1 and village()[1] == district_before[1] + 1
    # ... and no longer answers it.
    connection.set_tenant(yp)
    investment_services.project_update(district=yp, project=project, actor=district_user(), proposals=[])
    assert village("09193")[1] == commune_before[1]

    # Two villages asked for the same thing: merged, the duplicate no longer counts.
    response = client_for("thon.09193-01").post(URL, feature("09193", coordinates=inside("09193-01"), title="Trùng lặp"),
                                                content_type="application/json")
    second = response.json()["id"]
    assert village("09193")[0] == commune_before[0] + 2
    connection.set_tenant(yp)
    team = User.objects.get(username="xa.09193")
    proposal_services.proposal_merge(actor=team, keep_id=first, duplicate_ids=[second])
    assert village("09193")[0] == commune_before[0] + 1
    # A refused merge (the keeper was merged already) changes nothing.
    before = all_rows()
    connection.set_tenant(yp)
    with pytest.raises(ValidationError) as refused:
        proposal_services.proposal_merge(actor=team, keep_id=second, duplicate_ids=[first])
    assert set(refused.value.message_dict) == {"duplicates"}
    assert all_rows() == before

    # Every one of these incremental refreshes left what a rebuild from the schema gives.
    incremental = all_rows()
    rollup_rebuild()
    assert all_rows() == incremental
