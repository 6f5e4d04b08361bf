"""Writes of step 1 (Đ5): village meetings, proposals, and the planning team's decisions on them.

Every change is one transaction and one ProposalEvent row (who, when, from, to, note).
"""
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from core.models import PlanStep
from core.selectors import step_due_date
from core.signals import announce_investment_changed, announce_new_work
from files.uploads import checked_file
from geo.guard import GeometryRejected, check_inside
from geo.models import AdministrativeUnit
from geo.text import fold
from proposals.models import Attachment, CommuneUnit, Proposal, ProposalEvent, ProposalStatus, SourceKind, VillageMeeting

Action = ProposalEvent.Action


def _province_rollup(*commune_codes):
    """Announce that the village proposals of these communes changed (issue 7), inside the caller's transaction.

    The province compares the share of village-originated proposals that a project answers; a new
    village proposal, a change of its sector and a merge change what it counts. Accepting, deferring
    or rejecting a proposal does not (every village proposal but a merged duplicate counts), so
    `proposal_decide` does not call this.
    """
    announce_investment_changed(sender=Proposal, district=getattr(connection, "tenant", None), commune_codes=sorted(set(commune_codes)))


EDITABLE_FIELDS = (
    "title", "sector", "problem", "cause", "solution", "beneficiaries", "estimated_cost", "priority",
    "residents_labour_days", "source_name", *Proposal.RESOURCE_FIELDS,
)


def default_plan_year():
    """Plans are made during the year before the plan year."""
    return timezone.localdate().year + 1


def proposals_deadline(plan_year):
    return step_due_date(step=PlanStep.PROPOSALS, plan_year=plan_year)


def commune_in_district(*, district, code):
    """The current commune with this code in this district, or a 400 naming `commune`."""
    commune = AdministrativeUnit.objects.filter(code=code, level="commune", parent=district.unit, is_current=True).first()
    if commune is None:
        raise ValidationError({"commune": _("No commune with code %(code)s in %(district)s.") % {"code": code, "district": district.name}})
    return commune


def village_in_commune(*, commune, code):
    village = AdministrativeUnit.objects.filter(code=code, level="village", parent=commune, is_current=True).first()
    if village is None:
        raise ValidationError({"village": _("Village %(code)s is not in %(commune)s.") % {"code": code, "commune": commune.name}})
    return village


def _check_money(values, estimated_cost):
    errors = {}
    for name, value in values.items():
        if value is not None and value < 0:
            errors[name] = _("Must not be negative.")
    if errors:
        raise ValidationError(errors)
    if sum(v or 0 for v in values.values()) > estimated_cost:
        raise ValidationError({"resources": _("The resources add up to more than the estimated cost.")})


def _check_location(geom, commune):
    try:
        check_inside(geom, commune)
    except GeometryRejected as exc:
        raise ValidationError({"geometry": exc.message})


def _record(proposal, action, actor, *, from_status="", note=""):
    ProposalEvent.objects.create(proposal=proposal, action=action, actor=actor, from_status=from_status, to_status=proposal.status, note=note)


def _source_for(actor, village, source_kind):
    """Who proposes: a village head's proposals come from the village meeting; the team picks a unit kind."""
    if access.village_of_head(actor) is not None:
        return SourceKind.VILLAGE
    if source_kind:
        return source_kind
    return SourceKind.VILLAGE if village is not None else SourceKind.PLANNING_TEAM


def _proposing_unit(actor, commune, commune_unit_id):
    """The commune unit a new proposal carries: a unit account's own (403 for another), or the one the planning team
    names (400 if it is not in the commune; 403 for anyone else naming a unit)."""
    own = access.commune_unit_id_of(actor)
    if own is not None:
        access.require(commune_unit_id in (None, own), _("A commune unit proposes only for itself."))
        unit = CommuneUnit.objects.filter(pk=own, commune=commune).first()
        access.require(unit is not None and access.can_act_for_unit(actor, unit), _("A commune unit proposes only for itself."))
        return unit
    if commune_unit_id is None:
        return None
    access.require(access.can_plan_for_commune(actor, commune), _("A commune unit proposes only for itself."))
    unit = CommuneUnit.objects.filter(pk=commune_unit_id, commune=commune).first()
    if unit is None:
        raise ValidationError({"commune_unit": _("This unit is not in the commune.")})
    return unit


@transaction.atomic
def commune_unit_create(*, actor, commune, kind: str, name: str, reports_me: bool = False) -> CommuneUnit:
    """Add a unit of the commune (Đ5.1): by its planning team or the district's Finance-Planning Office. Only the
    district assigns a unit to report M&E information (`reports_me`, Đ11.1): 403 otherwise. 400 for a blank or
    repeated name or an unknown kind."""
    access.require(access.can_keep_commune_units(actor, commune), _("Only the commune's planning team or the district may add its units."))
    if reports_me:
        access.require(access.can_assign_reporting_units(actor, commune), _("Only the district assigns which units report (Đ11.1)."))
    name = (name or "").strip()
    if CommuneUnit.objects.filter(commune=commune, name__iexact=name).exists():
        raise ValidationError({"name": _("The commune already has a unit with this name.")})
    unit = CommuneUnit(commune=commune, kind=kind, name=name, reports_me=reports_me)
    unit.full_clean(exclude=["commune"], validate_constraints=False)
    unit.save()
    return unit


@transaction.atomic
def commune_unit_assign_reporting(*, actor, unit: CommuneUnit, reports_me: bool) -> CommuneUnit:
    """The district assigns (or withdraws) a commune unit as a reporting level of M&E beside the villages (Đ11.1)."""
    unit = CommuneUnit.objects.select_for_update().select_related("commune").get(pk=unit.pk)
    access.require(access.can_assign_reporting_units(actor, unit.commune), _("Only the district assigns which units report (Đ11.1)."))
    unit.reports_me = bool(reports_me)
    unit.save(update_fields=["reports_me"])
    return unit


@transaction.atomic
def village_meeting_create(*, actor, district, commune_code, village_code, held_on, place, chair, participants,
                           women=0, poor_households=0, plan_year=None, minutes=None) -> VillageMeeting:
    """Record a village meeting of step 1 (by the village head, or the commune team for one of its villages)."""
    commune = commune_in_district(district=district, code=commune_code)
    village = village_in_commune(commune=commune, code=village_code)
    access.require(access.can_propose_in(actor, commune, village), _("You may not record meetings for this village."))
    errors = {}
    if women > participants:
        errors["women"] = _("Cannot exceed the number of participants.")
    if poor_households > participants:
        errors["poor_households"] = _("Cannot exceed the number of participants.")
    if errors:
        raise ValidationError(errors)
    meeting = VillageMeeting(
        commune=commune, village=village, plan_year=plan_year or default_plan_year(), held_on=held_on, place=place,
        chair=chair, participants=participants, women=women, poor_households=poor_households, created_by=actor,
    )
    if minutes is not None:
        minutes = checked_file(minutes, field="minutes")
        meeting.minutes, meeting.minutes_name = minutes, minutes.original_name
    meeting.save()
    return meeting


def stored_village_code(*, actor, commune, village_code=None, meeting_id=None):
    """The village code (str, or None for the commune) a proposal will be stored with: the one named, else the
    meeting's village, else the village head's own village (Đ5.1: a village head proposes for the village).
    `proposal_create` and the import's duplicate lookup use it, so "the same village" means the same thing."""
    if village_code:
        return village_code
    if meeting_id is not None:
        meeting = VillageMeeting.objects.filter(pk=meeting_id, commune=commune).select_related("village").first()
        if meeting is not None:
            return meeting.village.code
    own_village = access.village_of_head(actor)
    return own_village.code if own_village is not None else None


@transaction.atomic
def proposal_create(*, actor, district, commune_code, geom, title, sector, estimated_cost, village_code=None,
                    meeting_id=None, plan_year=None, source_kind=None, commune_unit=None, **details) -> Proposal:
    """Submit a proposal pinned on the map. Refuses (400) a place outside the commune, a village not in it,
    negative money, resources above the cost; refuses (AccessDenied → 403) a proposer outside the commune or village.
    Submissions after the step-1 deadline are kept and flagged late.

    `commune_unit` (a `CommuneUnit` id of the commune, Đ5.1): a commune unit's account proposes for its own unit
    (the default; another unit is refused, 403); the planning team may record a unit's proposal on its behalf. The
    proposal then carries the unit, its kind and its name."""
    commune = commune_in_district(district=district, code=commune_code)
    access.require(access.can_propose_in(actor, commune), _("You may not submit proposals for this commune or village."))
    unit = _proposing_unit(actor, commune, commune_unit)
    if unit is not None:
        if village_code or meeting_id is not None:
            raise ValidationError({"village": _("A commune unit proposes for the commune, not for a village.")})
        source_kind = unit.source_kind
        details["source_name"] = unit.name
    village_code = stored_village_code(actor=actor, commune=commune, village_code=village_code, meeting_id=None)
    village = village_in_commune(commune=commune, code=village_code) if village_code else None
    access.require(access.can_propose_in(actor, commune, village), _("You may not submit proposals for this commune or village."))
    meeting = None
    if meeting_id is not None:
        meeting = VillageMeeting.objects.filter(pk=meeting_id, commune=commune).first()
        if meeting is None or (village is not None and meeting.village_id != village.pk):
            raise ValidationError({"meeting": _("No such meeting in this village.")})
        village = meeting.village
        plan_year = plan_year or meeting.plan_year
    money = {name: details.get(name, 0) for name in Proposal.RESOURCE_FIELDS}
    _check_money(money, estimated_cost)
    _check_location(geom, commune)
    plan_year = plan_year or default_plan_year()
    deadline = proposals_deadline(plan_year)
    proposal = Proposal(
        commune=commune, village=village, meeting=meeting, plan_year=plan_year, title=title, sector=sector,
        estimated_cost=estimated_cost, geom=geom, created_by=actor,
        source_kind=_source_for(actor, village, source_kind), commune_unit=unit,
        is_late=deadline is not None and timezone.localdate() > deadline,
        **{k: v for k, v in details.items() if k in EDITABLE_FIELDS and v is not None},
    )
    if not proposal.source_name:
        proposal.source_name = village.name if village else (actor.unit.name if actor.unit else "")
    proposal.search_text = fold(" ".join([title, proposal.problem, proposal.solution, proposal.source_name]))
    proposal.full_clean(exclude=["created_by", "commune", "village", "meeting"])
    proposal.save()
    _record(proposal, Action.SUBMITTED, actor, note=_("late") if proposal.is_late else "")
    if proposal.source_kind == SourceKind.VILLAGE:
        _province_rollup(commune.code)
    announce_new_work(sender=Proposal, level="commune", unit=commune, actor=actor)  # the team decides on it (Đ5 step 1)
    return proposal


@transaction.atomic
def proposal_update(*, actor, proposal_id, geom=None, **changes) -> Proposal:
    """Edit a proposal that the team has not decided yet, by its own village's head, its own commune unit or the
    commune team (`accounts.access.can_edit_proposal`). AccessDenied: 404 for a
    proposal the actor may not read, 403 for one the actor reads but may not edit."""
    access.access_proposal_by_id(actor, connection.tenant, proposal_id, for_write=True)
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    sector_before = proposal.sector
    if proposal.status != ProposalStatus.SUBMITTED:
        raise ValidationError({"status": _("A proposal can be edited only until the planning team decides on it.")})
    for name, value in changes.items():
        # A unit's proposal keeps the unit's name as its source (Đ5.1).
        if name in EDITABLE_FIELDS and value is not None and not (name == "source_name" and proposal.commune_unit_id):
            setattr(proposal, name, value)
    _check_money({name: getattr(proposal, name) for name in Proposal.RESOURCE_FIELDS}, proposal.estimated_cost)
    if geom is not None:
        _check_location(geom, proposal.commune)
        proposal.geom = geom
    proposal.search_text = fold(" ".join([proposal.title, proposal.problem, proposal.solution, proposal.source_name]))
    proposal.full_clean(exclude=["created_by", "commune", "village", "meeting", "merged_into"])
    proposal.save()
    _record(proposal, Action.UPDATED, actor, from_status=proposal.status)
    if proposal.source_kind == SourceKind.VILLAGE and proposal.sector != sector_before:
        _province_rollup(proposal.commune.code)  # the province counts village proposals by sector
    return proposal


# Which decision may follow which state.
DECISIONS = {
    Action.ACCEPTED: (ProposalStatus.ACCEPTED, {ProposalStatus.SUBMITTED, ProposalStatus.DEFERRED}),
    Action.DEFERRED: (ProposalStatus.DEFERRED, {ProposalStatus.SUBMITTED}),
    Action.REJECTED: (ProposalStatus.REJECTED, {ProposalStatus.SUBMITTED, ProposalStatus.DEFERRED}),
}


@transaction.atomic
def proposal_decide(*, actor, proposal_id, decision, reason="") -> Proposal:
    """The planning team accepts a proposal into the draft plan, defers it, or rejects it with a reason the proposer sees."""
    access.access_proposal_by_id(actor, connection.tenant, proposal_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    access.require(access.can_plan_for_commune(actor, proposal.commune), _("Only the commune's planning team decides on its proposals."))
    to_status, allowed_from = DECISIONS[decision]
    if proposal.status not in allowed_from:
        raise ValidationError({"status": _("A proposal that is %(status)s cannot be %(decision)s.") % {
            "status": proposal.get_status_display().lower(), "decision": Action(decision).label.lower()}})
    reason = (reason or "").strip()
    if decision == Action.REJECTED and not reason:
        raise ValidationError({"reason": _("A rejection needs a reason; the proposer will see it.")})
    from_status = proposal.status
    proposal.status = to_status
    proposal.decision_reason = reason
    proposal.save(update_fields=["status", "decision_reason", "updated_at"])
    _record(proposal, decision, actor, from_status=from_status, note=reason)
    return proposal


@transaction.atomic
def proposal_merge(*, actor, keep_id, duplicate_ids) -> Proposal:
    """Merge duplicates (two villages asking for the same road) into one proposal that keeps every origin."""
    ids = sorted({keep_id, *duplicate_ids})
    access.access_proposal_by_id(actor, connection.tenant, keep_id)
    visible = access.proposal_scope(actor, Proposal.objects.filter(pk__in=ids))
    rows = {p.pk: p for p in visible.select_for_update()}
    if len(rows) != len(ids) or not duplicate_ids or keep_id in duplicate_ids:
        raise ValidationError({"duplicates": _("Name other existing proposals to merge into this one.")})
    keep = rows[keep_id]
    access.require(access.can_plan_for_commune(actor, keep.commune), _("Only the commune's planning team merges its proposals."))
    for pk in duplicate_ids:
        duplicate = rows[pk]
        if duplicate.commune_id != keep.commune_id:
            raise ValidationError({"duplicates": _("Only proposals of the same commune can be merged.")})
        if duplicate.status in (ProposalStatus.MERGED,) or keep.status == ProposalStatus.MERGED:
            raise ValidationError({"duplicates": _("A proposal that was already merged cannot be merged again.")})
    for pk in duplicate_ids:
        duplicate = rows[pk]
        from_status = duplicate.status
        duplicate.status = ProposalStatus.MERGED
        duplicate.merged_into = keep
        duplicate.save(update_fields=["status", "merged_into", "updated_at"])
        Proposal.objects.filter(merged_into=duplicate).update(merged_into=keep)
        _record(duplicate, Action.MERGED, actor, from_status=from_status, note=str(keep.pk))
    _record(keep, Action.MERGED, actor, from_status=keep.status, note=", ".join(str(pk) for pk in duplicate_ids))
    if any(rows[pk].source_kind == SourceKind.VILLAGE for pk in duplicate_ids):
        _province_rollup(keep.commune.code)  # a merged duplicate no longer counts
    return keep


@transaction.atomic
def proposals_rank(*, actor, district, commune_code, ordered_ids) -> list[Proposal]:
    """Set the commune's priority order: the first id is priority 1. Unlisted proposals lose their rank."""
    commune = commune_in_district(district=district, code=commune_code)
    access.require(access.can_plan_for_commune(actor, commune), _("Only the commune's planning team ranks its proposals."))
    if len(set(ordered_ids)) != len(ordered_ids):
        raise ValidationError({"order": _("Each proposal may appear once.")})
    proposals = {p.pk: p for p in Proposal.objects.select_for_update().filter(commune=commune).exclude(status=ProposalStatus.MERGED)}
    unknown = [pk for pk in ordered_ids if pk not in proposals]
    if unknown:
        raise ValidationError({"order": _("Not proposals of this commune: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}})
    Proposal.objects.filter(commune=commune).exclude(pk__in=ordered_ids).update(commune_rank=None)
    ranked = []
    for rank, pk in enumerate(ordered_ids, start=1):
        proposal = proposals[pk]
        proposal.commune_rank = rank
        proposal.save(update_fields=["commune_rank", "updated_at"])
        _record(proposal, Action.RANKED, actor, from_status=proposal.status, note=str(rank))
        ranked.append(proposal)
    return ranked


@transaction.atomic
def proposals_publish(*, actor, district, commune_code, plan_year: int | None = None, ids=None) -> int:
    """Publish the commune's proposals of one plan year (default: the year being planned, `default_plan_year`), all not
    yet published or those named, so that citizens see them; returns how many. A named proposal of another plan year
    or commune is a 400 on `ids` (publishing never reaches into another year's proposals)."""
    commune = commune_in_district(district=district, code=commune_code)
    access.require(access.can_plan_for_commune(actor, commune), _("Only the commune's planning team publishes its proposals."))
    plan_year = plan_year or default_plan_year()
    proposals = Proposal.objects.select_for_update().filter(commune=commune, plan_year=plan_year, is_published=False)
    if ids is not None:
        outside = set(ids) - set(Proposal.objects.filter(commune=commune, plan_year=plan_year, pk__in=ids).values_list("pk", flat=True))
        if outside:
            raise ValidationError({"ids": _("Not proposals of this commune for plan year %(year)s: %(ids)s.") % {
                "year": plan_year, "ids": ", ".join(map(str, sorted(outside)))}})
        proposals = proposals.filter(pk__in=ids)
    published = list(proposals)
    for proposal in published:
        proposal.is_published = True
        proposal.save(update_fields=["is_published", "updated_at"])
        _record(proposal, Action.PUBLISHED, actor, from_status=proposal.status)
    return len(published)


@transaction.atomic
def attachment_add(*, actor, proposal_id, upload) -> Attachment:
    """Attach a photo or document to a proposal, checked for size, real type and name (`files.uploads.checked_file`;
    photos re-encoded), stored under the district's schema with a random name."""
    proposal = access.access_proposal_by_id(actor, connection.tenant, proposal_id)
    access.require(access.can_edit_proposal(actor, proposal), _("You may not add files to this proposal."))
    # Files are part of what the team decides on and what the public sees once published: like the text,
    # they can be added only until the team decides.
    if proposal.status != ProposalStatus.SUBMITTED:
        raise ValidationError({"status": _("A proposal can be edited only until the planning team decides on it.")})
    checked = checked_file(upload, field="file")
    return Attachment.objects.create(
        proposal=proposal, file=checked, name=checked.original_name, content_type=checked.content_type, size=checked.size, uploaded_by=actor,
    )

