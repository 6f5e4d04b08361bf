"""Plan versions (Đ5.3–Đ5.5): the draft from accepted proposals, new versions, amendments, items and targets."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import CapitalSource, PlanStep
from geo.guard import check_inside
from plans.models import (
    CommunePlan,
    PlanCycle,
    PlanItem,
    PlanKind,
    PlanStatus,
    SocioEconomicTarget,
)
from plans.services.common import (
    _lock_cycle,
    _lock_plan,
    _plan_event,
    _require_commune_team,
    _require_editable,
    _require_step,
)
from proposals.models import Proposal, ProposalStatus


def _item_geometry_from(proposals):
    geoms = [p.geom for p in proposals if p.geom is not None]
    if not geoms:
        return None
    if len(geoms) == 1:
        return geoms[0].clone()
    from django.contrib.gis.geos import GeometryCollection

    collection = GeometryCollection(*[g.clone() for g in geoms])
    collection.srid = 4326
    return collection


def _funding_from(proposal):
    sources = {
        CapitalSource.CENTRAL_BUDGET: proposal.central_budget,
        CapitalSource.PROVINCIAL_BUDGET: proposal.provincial_budget,
        CapitalSource.DISTRICT_BUDGET: proposal.district_budget,
        CapitalSource.COMMUNE_BUDGET: proposal.commune_budget,
        CapitalSource.RESIDENTS: proposal.residents_cash + proposal.residents_labour_value,
        CapitalSource.ENTERPRISES: proposal.enterprises,
        CapitalSource.OTHER: proposal.other_sources,
    }
    return {k.value: v for k, v in sources.items() if v}


@transaction.atomic
def plan_create_draft(*, actor, cycle: PlanCycle, from_accepted: bool = True) -> CommunePlan:
    """Draft plan v1 (step 3); by default one item per accepted proposal of the commune and year, with its location."""
    cycle = _lock_cycle(cycle)
    _require_commune_team(actor, cycle.commune)
    _require_step(cycle, PlanStep.DRAFT)
    if cycle.versions.exists():
        raise ValidationError({"plan": [_("The draft v1 already exists.")]})
    plan = CommunePlan.objects.create(cycle=cycle, number=1, kind=PlanKind.V1, created_by=actor)
    _plan_event(plan, actor=actor, action="created", to_status=plan.status)
    if from_accepted:
        accepted = Proposal.objects.filter(commune=cycle.commune, plan_year=cycle.plan_year, status=ProposalStatus.ACCEPTED)
        for order, proposal in enumerate(accepted.order_by("commune_rank", "id")):
            _item_from_proposals(plan, [proposal], order=order)
    return plan


def _item_from_proposals(plan, proposals, *, order=0, **overrides):
    first = proposals[0]
    item = PlanItem.objects.create(
        plan=plan,
        title=overrides.get("title") or first.title,
        sector=overrides.get("sector") or first.sector,
        geom=_item_geometry_from(proposals),
        estimated_cost=sum(p.estimated_cost for p in proposals),
        funding=_funding_from(first) if len(proposals) == 1 else {},
        responsible_unit=overrides.get("responsible_unit", ""),
        order=order,
    )
    item.proposals.set(proposals)
    return item


NEXT_KIND_STEPS = {
    PlanKind.REVISED: (PlanStep.DISTRICT_FEEDBACK, PlanStep.SEDP_CONFERENCE),
    PlanKind.FINAL: (PlanStep.APPROVAL,),
}


@transaction.atomic
def plan_new_version(*, actor, plan: CommunePlan, kind: str) -> CommunePlan:
    """The revised draft (after district feedback) or the final plan: a copy of the newest version, which is frozen."""
    _require_commune_team(actor, plan.cycle.commune)
    if kind not in NEXT_KIND_STEPS:
        raise ValidationError({"kind": [_("A new version is either revised or final; amendments have their own action.")]})
    plan = _lock_plan(plan)
    cycle = _lock_cycle(plan.cycle)
    _require_step(cycle, *NEXT_KIND_STEPS[kind])
    newest = cycle.versions.order_by("-number").first()
    if newest.pk != plan.pk:
        raise ValidationError({"plan": [_("Only the newest version can be carried forward.")]})
    if kind == PlanKind.FINAL and plan.kind == PlanKind.FINAL:
        raise ValidationError({"kind": [_("The final plan already exists.")]})
    return _copy_version(actor, plan, kind=kind)


def _copy_version(actor, plan, *, kind, reason=""):
    new = CommunePlan.objects.create(
        cycle=plan.cycle, number=plan.number + 1, kind=kind, based_on=plan, amendment_reason=reason,
        assessment=plan.assessment, solutions=plan.solutions, monitoring=plan.monitoring, created_by=actor,
    )
    for t in plan.targets.all():
        SocioEconomicTarget.objects.create(plan=new, lineage=t.lineage, indicator=t.indicator, unit=t.unit,
                                           current_estimate=t.current_estimate, next_target=t.next_target, order=t.order)
    for item in plan.items.prefetch_related("proposals"):
        copy = PlanItem.objects.create(
            plan=new, lineage=item.lineage, kind=item.kind, title=item.title, sector=item.sector, geom=item.geom,
            estimated_cost=item.estimated_cost, funding=item.funding, responsible_unit=item.responsible_unit,
            starts_on=item.starts_on, ends_on=item.ends_on, order=item.order,
        )
        copy.proposals.set(item.proposals.all())
    if plan.status == PlanStatus.WORKING:
        plan.status = PlanStatus.FROZEN
        plan.consultation_closes_on = None
        plan.save(update_fields=["status", "consultation_closes_on"])
        _plan_event(plan, actor=actor, action="superseded", from_status=PlanStatus.WORKING, to_status=PlanStatus.FROZEN)
    _plan_event(new, actor=actor, action="created", to_status=new.status, note=reason)
    return new


@transaction.atomic
def plan_amend(*, actor, plan: CommunePlan, reason: str) -> CommunePlan:
    """Change an approved plan: a new working version with the reason; the approved version stays exactly as approved."""
    plan = _lock_plan(plan)
    _require_commune_team(actor, plan.cycle.commune)
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError({"plan": [_("Only an approved plan is amended; a draft is simply edited.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason of the amendment.")]})
    cycle = _lock_cycle(plan.cycle)
    newest = cycle.versions.order_by("-number").first()
    if newest.pk != plan.pk:
        raise ValidationError({"plan": [_("An amendment of this plan is already under way.")]})
    return _copy_version(actor, plan, kind=PlanKind.AMENDMENT, reason=reason.strip())


@transaction.atomic
def plan_update(*, actor, plan: CommunePlan, **fields) -> CommunePlan:
    """Edit the texts of a working version (assessment, tasks and solutions, M&E arrangements)."""
    plan = _lock_plan(plan)
    _require_commune_team(actor, plan.cycle.commune)
    _require_editable(plan)
    for name in ("assessment", "solutions", "monitoring"):
        if name in fields:
            setattr(plan, name, fields[name])
    plan.save(update_fields=["assessment", "solutions", "monitoring"])
    return plan


def _check_funding(funding, cost):
    if not isinstance(funding, dict):
        raise ValidationError({"funding": [_("Capital sources are an object {source: VND}.")]})
    for source, amount in funding.items():
        if source not in CapitalSource.values:
            raise ValidationError({"funding": [_("Unknown capital source: %(s)s.") % {"s": source}]})
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ValidationError({"funding": [_("Each amount is a whole, non-negative number of VND.")]})
    if sum(funding.values()) > cost:
        raise ValidationError({"funding": [_("The capital sources add up to more than the cost.")]})


@transaction.atomic
def item_create(*, actor, plan: CommunePlan, proposals=(), geom=None, **data) -> PlanItem:
    """Add a work or activity to a working version: from accepted proposals of the commune (their location), or drawn by the team."""
    plan = _lock_plan(plan)
    commune = plan.cycle.commune
    _require_commune_team(actor, commune)
    _require_editable(plan)
    proposals = list(proposals)
    for p in proposals:
        if p.commune_id != commune.pk or p.status != ProposalStatus.ACCEPTED:
            raise ValidationError({"proposals": [_("Only accepted proposals of this commune go into its plan.")]})
    if geom is not None:
        check_inside(geom, commune)
    item = PlanItem(plan=plan, order=plan.items.count(), **data)
    if proposals and not data.get("estimated_cost"):
        item.estimated_cost = sum(p.estimated_cost for p in proposals)
    item.geom = geom if geom is not None else _item_geometry_from(proposals)
    _check_item(item)
    _require_work_location(item)
    item.save()
    item.proposals.set(proposals)
    return item


def _require_work_location(item):
    """A work (an investment) has a place: without one it would be missing from every map (the district's review map,
    the province's), silently. Activities need none. 400 on `geometry`."""
    if item.kind == PlanItem.Kind.WORK and item.geom is None:
        raise ValidationError({"geometry": [_("A work needs its location: draw it on the map, or take it from accepted proposals.")]})


def _check_item(item):
    if item.estimated_cost is None or item.estimated_cost < 0:
        raise ValidationError({"estimated_cost": [_("The cost is a whole, non-negative number of VND.")]})
    _check_funding(item.funding or {}, item.estimated_cost)
    if item.starts_on and item.ends_on and item.ends_on < item.starts_on:
        raise ValidationError({"ends_on": [_("The end is before the start.")]})
    item.full_clean(exclude=["plan", "proposals"])


@transaction.atomic
def item_update(*, actor, item: PlanItem, geom=None, **data) -> PlanItem:
    """Edit an item of a working version; refused once the version is frozen or approved."""
    plan = _lock_plan(item.plan)
    _require_commune_team(actor, plan.cycle.commune)
    _require_editable(plan)
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    for name, value in data.items():
        setattr(item, name, value)
    if geom is not None:
        check_inside(geom, plan.cycle.commune)
        item.geom = geom
    _check_item(item)
    _require_work_location(item)
    item.save()
    return item


@transaction.atomic
def item_delete(*, actor, item: PlanItem) -> None:
    plan = _lock_plan(item.plan)
    _require_commune_team(actor, plan.cycle.commune)
    _require_editable(plan)
    item.delete()


@transaction.atomic
def target_create(*, actor, plan: CommunePlan, **data) -> SocioEconomicTarget:
    """Add a socio-economic target (indicator, unit, this year's estimate, next year's target) to a working version."""
    plan = _lock_plan(plan)
    _require_commune_team(actor, plan.cycle.commune)
    _require_editable(plan)
    target = SocioEconomicTarget(plan=plan, order=plan.targets.count(), **data)
    target.full_clean(exclude=["plan"])
    target.save()
    return target


@transaction.atomic
def target_delete(*, actor, target: SocioEconomicTarget) -> None:
    plan = _lock_plan(target.plan)
    _require_commune_team(actor, plan.cycle.commune)
    _require_editable(plan)
    target.delete()
