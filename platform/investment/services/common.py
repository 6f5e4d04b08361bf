"""What the writes of investment plans, projects and reviews share: the announcement the province's rollup
follows, and the field changes an event records."""
from datetime import date

from django.db import connection

from core.signals import announce_investment_changed
from investment.models import (
    InvestmentProject,
)

# ---- what the province keeps a copy of (issue 7) ----------------------------------------------
# Every write below that changes money, status, communes or links announces it before it returns,
# inside its own transaction (core.signals: `province` refreshes its rollup in the same transaction),
# so the province's figures follow the district's data or neither changes.

def _province_rollup(*, project=None, communes=(), whole_district=False):
    """Announce a change to this district's investment: the project's communes (and `communes`), or all of it."""
    if whole_district:
        announce_investment_changed(sender=InvestmentProject, district=connection.tenant)
    else:
        # The project's current communes are read by the refresh statement itself (one round trip less).
        announce_investment_changed(sender=InvestmentProject, district=connection.tenant, commune_codes=communes,
                                    project_ids=[project.pk] if project is not None else ())


def _field_changes(obj, fields: dict) -> dict:
    """{field: [old, new]} for the fields whose value changes, as JSON-friendly text."""
    changes = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [_plain(old), _plain(value)]
    return changes


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value
