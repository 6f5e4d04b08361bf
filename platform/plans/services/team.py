"""Đ3: the commune planning team (5–7 members, led by the chairman of the commune People's Committee)."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.deadlines import refuse_future
from core.models import PlanStep
from plans.models import (
    PlanCycle,
    PlanningTeam,
    TeamMember,
)
from plans.services.common import _lock_cycle, _require_commune_team, _require_step

TEAM_MIN, TEAM_MAX = 5, 7


def team_check(members):
    """Đ3: 5 to 7 members; one leader, the chairman of the commune People's Committee; the others represent commune units."""
    if not TEAM_MIN <= len(members) <= TEAM_MAX:
        raise ValidationError({"members": [_("The planning team has 5 to 7 members (Đ3); this one has %(n)s.") % {"n": len(members)}]})
    leaders = [m for m in members if m.get("is_leader")]
    if len(leaders) != 1:
        raise ValidationError({"members": [_("The planning team has exactly one leader.")]})
    if not leaders[0].get("is_commune_chairman"):
        raise ValidationError({"members": [_("The leader of the planning team is the chairman of the commune People's Committee (Đ3).")]})
    if any(not (m.get("represents") or "").strip() for m in members if not m.get("is_leader")):
        raise ValidationError({"members": [_("Each member other than the leader represents a commune unit; name it.")]})


@transaction.atomic
def team_set(*, actor, cycle: PlanCycle, members: list, decision_number: str = "", decision_date: date | None = None) -> PlanningTeam:
    """Record (or replace) the commune's planning team while step Đ3 is open; refused with the reason if outside Đ3's rules."""
    cycle = _lock_cycle(cycle)
    _require_commune_team(actor, cycle.commune)
    _require_step(cycle, PlanStep.TEAM)
    team_check(members)
    refuse_future(decision_date, field="decision_date")
    team, _created = PlanningTeam.objects.update_or_create(
        cycle=cycle, defaults={"decision_number": decision_number, "decision_date": decision_date, "updated_by": actor}
    )
    team.members.all().delete()
    for m in members:
        member = TeamMember(team=team, **{k: m.get(k, "") for k in ("full_name", "position", "represents")},
                            is_leader=bool(m.get("is_leader")), is_commune_chairman=bool(m.get("is_commune_chairman")))
        if member.is_leader and not member.represents:
            member.represents = _("Commune People's Committee")
        member.full_clean(exclude=["team"])
        member.save()
    return team
