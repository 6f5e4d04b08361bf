"""The numeric rule through the proposals API: the issue's examples ("150.000" was stored as 150 đồng, "1.500.000"
refused) and DRF's own messages in Vietnamese."""
import pytest

from tests.proposals.conftest import CHO, URL, feature


@pytest.mark.django_db
@pytest.mark.parametrize("typed, stored", [("150.000", 150_000), ("1.500.000", 1_500_000), (150_000.0, 150_000)])
def test_proposal_costs_typed_the_vietnamese_way(yen_phong, client_for, typed, stored):
    from proposals.models import Proposal

    body = feature(estimated_cost=typed, commune_budget="50.000")
    response = client_for(f"xa.{CHO}").post(URL, body, content_type="application/json")
    assert response.status_code == 201, response.content
    proposal = Proposal.objects.get(pk=response.json()["id"])
    assert (proposal.estimated_cost, proposal.commune_budget) == (stored, 50_000)


@pytest.mark.django_db
@pytest.mark.parametrize("typed, words", [("150,000", "150.000"), (150.5, "150,5"), ("1.5", "1.5")])
def test_ambiguous_costs_are_a_vietnamese_400_naming_the_field(yen_phong, client_for, typed, words):
    from proposals.models import Proposal

    before = Proposal.objects.count()
    response = client_for(f"xa.{CHO}").post(URL, feature(estimated_cost=typed), content_type="application/json")
    assert response.status_code == 400
    message = response.json()["properties"]["estimated_cost"][0]
    assert words in message and ("không" in message.lower() or "chỉ" in message.lower()), message
    assert Proposal.objects.count() == before


@pytest.mark.django_db
def test_drf_default_messages_come_out_in_vietnamese(yen_phong, client_for):
    body = feature(estimated_cost=1000, priority="abc", sector="vũ trụ")
    body["properties"].pop("title")
    errors = client_for(f"xa.{CHO}").post(URL, body, content_type="application/json").json()["properties"]
    assert errors["title"] == ["Trường này là bắt buộc."]
    assert "không phải là lựa chọn hợp lệ" in errors["sector"][0]
    assert "không phải là số" in errors["priority"][0]
    english = client_for(f"xa.{CHO}").post(URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").json()["properties"]
    assert errors["title"] != english["title"] and "required" in english["title"][0]
