"""The district summary's counters come from a registry `tenants` owns (tenants.counters), filled by the apps above it
in their AppConfig.ready(): tenants names none of them, not even as a string (tests/core/test_layers.py)."""
import pytest
from django_tenants.utils import tenant_context

from tenants.counters import COUNTERS, district_counts, register_district_counter
from tests.investment.factories import make_project

# What each app that holds district data counts (its selectors.district_counts).
EXPECTED = {
    "proposals": {"proposals", "village_meetings"},
    "plans": {"plan_cycles", "plans_published"},
    "investment": {"investment_plans", "investment_projects", "investment_reviews"},
    "monitoring": {"me_plans", "me_reports"},
}


def test_every_app_with_district_data_registers_its_counter():
    assert {path.split(".")[0] for path in COUNTERS} == set(EXPECTED)
    assert all(path.endswith(".selectors.district_counts") for path in COUNTERS)


def test_registering_again_keeps_one_counter():
    before = dict(COUNTERS)
    register_district_counter(COUNTERS["plans.selectors.district_counts"])
    assert COUNTERS == before


@pytest.mark.django_db
def test_the_summary_counts_what_every_app_holds_through_http(client_for, district):
    make_project(district("yen-phong"), code="C1")
    counts = client_for("tinh").get("/d/yen-phong/api/district/").json()["counts"]
    assert set().union(*EXPECTED.values()) <= set(counts)
    assert counts["investment_projects"] == 1
    with tenant_context(district("yen-phong")):
        assert district_counts()["investment_projects"] == 1
