"""Writes of public-investment projects: create, update (sources, allocations, communes, links), move
through their statuses, and record disbursements and physical progress."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import access
from core.deadlines import refuse_future
from core.models import CapitalSource
from geo.guard import check_inside
from geo.models import AdministrativeUnit
from geo.numbers import message_number
from investment.models import (
    Allocation,
    Disbursement,
    InvestmentProject,
    PlanEvent,
    PlanState,
    ProjectEvent,
    ProjectSource,
    ProjectStatus,
    PublicInvestmentPlan,
)
from investment.services.common import _field_changes, _province_rollup
from plans.models import PlanItem
from proposals.models import Proposal

# ---- projects ---------------------------------------------------------------------------------

SOURCES_DO_NOT_ADD_UP = "sources_do_not_add_up"


def _district_communes(district, codes):
    """The district's current communes with these GSO codes; any other code is a 400."""
    communes = list(AdministrativeUnit.objects.filter(parent=district.unit, level=AdministrativeUnit.Level.COMMUNE, is_current=True, code__in=codes))
    unknown = sorted(set(codes) - {c.code for c in communes})
    if unknown:
        raise ValidationError({"communes": [_("Not a commune of this district: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return communes


def _communes_under(district, geom):
    """The district's communes that the geometry touches (a road may cross several)."""
    return list(
        AdministrativeUnit.objects.filter(
            parent=district.unit, level=AdministrativeUnit.Level.COMMUNE, is_current=True, geom__intersects=geom
        )
    )


def _nearest_commune(district, point):
    from django.contrib.gis.db.models.functions import Distance

    return (
        AdministrativeUnit.objects.filter(parent=district.unit, level=AdministrativeUnit.Level.COMMUNE, is_current=True)
        .annotate(d=Distance("geom", point))
        .order_by("d")
        .first()
    )


def _source_label(code) -> str:
    """A capital source as people read it ("Ngân sách huyện"), not its code, for messages; an unknown code as given."""
    return str(dict(CapitalSource.choices).get(code, code))


def _check_sources(total, sources):
    seen = set()
    for row in sources:
        if row["source"] in seen:
            raise ValidationError({"sources": [_("Capital source “%(source)s” is listed twice.") % {"source": _source_label(row["source"])}]})
        seen.add(row["source"])
        if row["amount"] < 0:
            raise ValidationError({"sources": [_("Amounts must not be negative.")]})
    parts = sum(row["amount"] for row in sources)
    if parts != total:
        raise ValidationError(
            {"sources": [_("The capital sources add up to %(parts)s VND, not to the total investment of %(total)s VND.") % {"parts": message_number(parts), "total": message_number(total)}]},
            code=SOURCES_DO_NOT_ADD_UP,
        )


def _check_allocations(allocations, source_codes):
    seen = set()
    for row in allocations:
        plan = row["plan"]
        if row["year"] not in plan.years:
            raise ValidationError(
                {"allocations": [_("Year %(year)s lies outside the years of “%(plan)s” (%(start)s–%(end)s).") % {"year": row["year"], "plan": plan.name, "start": plan.start_year, "end": plan.end_year}]}
            )
        if row["source"] not in source_codes:
            raise ValidationError({"allocations": [_("Allocation from “%(source)s”, which is not one of the project's capital sources.") % {
                "source": _source_label(row["source"])}]})
        if row["amount"] < 0:
            raise ValidationError({"allocations": [_("Amounts must not be negative.")]})
        key = (plan.pk, row["year"], row["source"])
        if key in seen:
            raise ValidationError({"allocations": [_("The same plan, year and source appear twice.")]})
        seen.add(key)


def _allocation_rows(project):
    return sorted(
        ([a.plan_id, a.year, a.source, a.amount] for a in project.allocations.all()), key=lambda r: (r[0], r[1], r[2])
    )


def _write_allocations(*, project, allocations, actor, reason):
    """Replace a project's allocations; a change touching an approved plan needs a reason and is kept in that plan's history."""
    before = _allocation_rows(project)
    after = sorted(([r["plan"].pk, r["year"], r["source"], r["amount"]] for r in allocations), key=lambda r: (r[0], r[1], r[2]))
    if before == after:
        return {}
    touched_plan_ids = {r[0] for r in before} | {r[0] for r in after}
    touched_plan_ids = {pid for pid in touched_plan_ids if [r for r in before if r[0] == pid] != [r for r in after if r[0] == pid]}
    approved = list(PublicInvestmentPlan.objects.select_for_update().filter(pk__in=touched_plan_ids, state=PlanState.APPROVED))
    if approved and not reason.strip():
        raise ValidationError({"reason": [_("These allocations belong to an approved plan; give the reason of the amendment.")]})
    project.allocations.all().delete()
    Allocation.objects.bulk_create(
        Allocation(project=project, plan=r["plan"], year=r["year"], source=r["source"], amount=r["amount"]) for r in allocations
    )
    for plan in approved:
        PlanEvent.objects.create(
            plan=plan, action=PlanEvent.Action.AMENDED, from_status=plan.state, to_status=plan.state, note=reason, actor=actor,
            changes={"project": project.code, "allocations": [[r[1:] for r in before if r[0] == plan.pk], [r[1:] for r in after if r[0] == plan.pk]]},
        )
    return {"allocations": [before, after]}


def _check_proposals(proposal_ids, commune_ids):
    """The proposals with these ids, each of one of the communes the project serves (`commune_ids`), else a 400 naming
    `proposals`: a project answers the proposals of its own communes (Đ5–Đ7), and linking another commune's would
    show that commune's drafts to the project's readers."""
    proposals = list(Proposal.objects.filter(pk__in=proposal_ids))
    missing = sorted(set(proposal_ids) - {p.pk for p in proposals})
    if missing:
        raise ValidationError({"proposals": [_("No such proposal: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]})
    outside = sorted(p.pk for p in proposals if p.commune_id not in commune_ids)
    if outside:
        raise ValidationError({"proposals": [_("These proposals are not of a commune the project serves: %(ids)s.") % {"ids": ", ".join(map(str, outside))}]})
    return proposals


def _check_plan_items(item_ids, commune_ids):
    """The commune plan items with these ids, each of a plan of one of the communes the project serves (`commune_ids`);
    the district schema holds only this district's items, so any other id is a 400 naming `plan_items`."""
    items = list(PlanItem.objects.filter(pk__in=item_ids).select_related("plan__cycle"))
    missing = sorted(set(item_ids) - {i.pk for i in items})
    if missing:
        raise ValidationError({"plan_items": [_("No such commune plan item in this district: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]})
    outside = sorted(i.pk for i in items if i.plan.cycle.commune_id not in commune_ids)
    if outside:
        raise ValidationError({"plan_items": [_("These plan items are not of a commune the project serves: %(ids)s.") % {"ids": ", ".join(map(str, outside))}]})
    return items


@transaction.atomic
def project_create(
    *, district, actor, code: str, name: str, investor: str, sector: str, geom, total_investment: int, start_year: int, end_year: int,
    sources: list, allocations: list = (), communes: list | None = None, proposals: list = (), plan_items: list = (), manager: str = "district",
    group: str = "C", decision_number: str = "", decision_date: date | None = None,
) -> InvestmentProject:
    """Create a proposed project inside the district: sources must add up to the total, allocations lie in their plans' years.

    Without an explicit list of communes, the project serves the communes its geometry touches.
    """
    access.require_manage_investment(actor, district)
    refuse_future(decision_date, field="decision_date")
    check_inside(geom, district.unit)
    _check_project_years(start_year, end_year)
    _check_sources(total_investment, sources)
    _check_allocations(allocations, {s["source"] for s in sources})
    served = _district_communes(district, communes) if communes else _communes_under(district, geom)
    if not served:
        raise ValidationError({"communes": [_("Name the communes the project serves.")]})
    served_ids = {c.pk for c in served}
    linked = _check_proposals(list(proposals), served_ids)
    answered = _check_plan_items(list(plan_items), served_ids)
    project = InvestmentProject(
        code=code, name=name, investor=investor, sector=sector, geom=geom, total_investment=total_investment, start_year=start_year,
        end_year=end_year, manager=manager, group=group, decision_number=decision_number, decision_date=decision_date, created_by=actor,
    )
    project.full_clean()
    project.save()
    project.communes.set(served)
    project.proposals.set(linked)
    project.plan_items.set(answered)
    ProjectSource.objects.bulk_create(ProjectSource(project=project, source=s["source"], amount=s["amount"]) for s in sources)
    Allocation.objects.bulk_create(
        Allocation(project=project, plan=r["plan"], year=r["year"], source=r["source"], amount=r["amount"]) for r in allocations
    )
    ProjectEvent.objects.create(project=project, action=ProjectEvent.Action.CREATED, to_status=project.status, actor=actor)
    _province_rollup(project=project)
    return project


def _check_project_years(start_year, end_year):
    if end_year < start_year:
        raise ValidationError({"end_year": [_("The end year must not come before the start year.")]})


PROJECT_FIELDS = ("code", "name", "investor", "manager", "sector", "group", "geom", "total_investment", "decision_number", "decision_date", "start_year", "end_year")


@transaction.atomic
def project_update(
    *, district, project: InvestmentProject, actor, reason: str = "", sources: list | None = None, allocations: list | None = None,
    communes: list | None = None, proposals: list | None = None, plan_items: list | None = None, **fields,
) -> InvestmentProject:
    """Edit a project; the old and new values of every changed field are kept in its history.

    Sources are checked against the (new) total; allocations of an approved plan change only with a reason.
    """
    access.require_manage_investment(actor, district)
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    communes_before = list(project.communes.values_list("code", flat=True))
    fields = {k: v for k, v in fields.items() if k in PROJECT_FIELDS}
    refuse_future(fields.get("decision_date"), field="decision_date")
    if "geom" in fields:
        check_inside(fields["geom"], district.unit)
        if fields["geom"].equals_exact(project.geom, 1e-9) and fields["geom"].geom_type == project.geom.geom_type:
            fields.pop("geom")
    changes = _field_changes(project, {k: v for k, v in fields.items() if k != "geom"})
    if "geom" in fields:
        changes["geom"] = [project.geom.geojson, fields["geom"].geojson]
    _check_project_years(fields.get("start_year", project.start_year), fields.get("end_year", project.end_year))
    total = fields.get("total_investment", project.total_investment)
    current_sources = [{"source": s.source, "amount": s.amount} for s in project.sources.all()]
    new_sources = current_sources if sources is None else list(sources)
    _check_sources(total, new_sources)
    source_codes = {s["source"] for s in new_sources}
    if allocations is None:
        stale = project.allocations.exclude(source__in=source_codes)
        if stale.exists():
            raise ValidationError({"allocations": [_("Some allocations come from a source the project no longer has.")]})
    else:
        _check_allocations(allocations, source_codes)
    if sources is not None and sorted((s["source"], s["amount"]) for s in new_sources) != sorted((s["source"], s["amount"]) for s in current_sources):
        changes["sources"] = [current_sources, new_sources]
    if communes is not None:
        served = _district_communes(district, communes)
        if not served:
            raise ValidationError({"communes": [_("Name the communes the project serves.")]})
        old_codes = sorted(project.communes.values_list("code", flat=True))
        if old_codes != sorted(c.code for c in served):
            changes["communes"] = [old_codes, sorted(c.code for c in served)]
            project.communes.set(served)
    served_ids = set(project.communes.values_list("pk", flat=True))
    if proposals is not None:
        linked = _check_proposals(list(proposals), served_ids)
        old_ids = sorted(project.proposals.values_list("pk", flat=True))
        if old_ids != sorted(p.pk for p in linked):
            changes["proposals"] = [old_ids, sorted(p.pk for p in linked)]
            # The province counts the proposals a project answers in their own commune: unlinked ones too.
            communes_before += list(Proposal.objects.filter(pk__in=old_ids).values_list("commune__code", flat=True))
            project.proposals.set(linked)
    if plan_items is not None:
        answered = _check_plan_items(list(plan_items), served_ids)
        old_ids = sorted(project.plan_items.values_list("pk", flat=True))
        if old_ids != sorted(i.pk for i in answered):
            changes["plan_items"] = [old_ids, sorted(i.pk for i in answered)]
            project.plan_items.set(answered)
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    if "sources" in changes:
        project.sources.all().delete()
        ProjectSource.objects.bulk_create(ProjectSource(project=project, source=s["source"], amount=s["amount"]) for s in new_sources)
    if allocations is not None:
        changes.update(_write_allocations(project=project, allocations=allocations, actor=actor, reason=reason))
    if changes:
        ProjectEvent.objects.create(
            project=project, action=ProjectEvent.Action.UPDATED, from_status=project.status, to_status=project.status, note=reason,
            changes=changes, actor=actor,
        )
        _province_rollup(project=project, communes=communes_before)
    return project


PROJECT_TRANSITIONS = {
    "prepare": ({ProjectStatus.PROPOSED}, ProjectStatus.PREPARATION),
    "approve": ({ProjectStatus.PREPARATION}, ProjectStatus.APPROVED),
    "start": ({ProjectStatus.APPROVED}, ProjectStatus.UNDER_CONSTRUCTION),
    "complete": ({ProjectStatus.UNDER_CONSTRUCTION}, ProjectStatus.COMPLETED),
    "suspend": ({ProjectStatus.PREPARATION, ProjectStatus.APPROVED, ProjectStatus.UNDER_CONSTRUCTION}, ProjectStatus.SUSPENDED),
    "resume": ({ProjectStatus.SUSPENDED}, None),  # back to the status it was suspended from
}


@transaction.atomic
def project_transition(
    *, project: InvestmentProject, actor, action: str, note: str = "", decision_number: str = "", decision_date: date | None = None
) -> InvestmentProject:
    """Move a project along proposed → in preparation → approved → under construction → completed, or suspend and resume it.

    Approval needs the investment decision (number and date), given now or already on the project;
    a suspension needs a reason.
    """
    access.require_manage_investment(actor, None)
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    sources, target = PROJECT_TRANSITIONS[action]
    if project.status not in sources:
        raise ValidationError(
            {"status": [_("A project that is “%(status)s” cannot take the action “%(action)s”.") % {"status": project.get_status_display(), "action": action}]}
        )
    changes = {}
    if action == "approve":
        number = decision_number.strip() or project.decision_number
        when = decision_date or project.decision_date
        errors = {}
        if not number:
            errors["decision_number"] = [_("The investment decision's number is required.")]
        if when is None:
            errors["decision_date"] = [_("The investment decision's date is required.")]
        if errors:
            raise ValidationError(errors)
        refuse_future(when, field="decision_date")
        changes = _field_changes(project, {"decision_number": number, "decision_date": when})
        project.decision_number, project.decision_date = number, when
    if action == "suspend" and not note.strip():
        raise ValidationError({"note": [_("Say why the project is suspended.")]})
    if action == "resume":
        last = project.events.filter(action=ProjectEvent.Action.TRANSITION, to_status=ProjectStatus.SUSPENDED).order_by("-at", "-id").first()
        target = last.from_status if last is not None else ProjectStatus.PREPARATION
    old = project.status
    project.status = target
    if target == ProjectStatus.COMPLETED:
        changes["physical_progress"] = [project.physical_progress, 100]
        project.physical_progress = 100
    project.save(update_fields=["status", "decision_number", "decision_date", "physical_progress", "updated_at"])
    ProjectEvent.objects.create(
        project=project, action=ProjectEvent.Action.TRANSITION, from_status=old, to_status=target, note=note, changes=changes, actor=actor
    )
    _province_rollup(project=project)
    return project


@transaction.atomic
def disbursement_record(
    *, project: InvestmentProject, actor, paid_on: date, amount: int, physical_progress: int | None = None, note: str = ""
) -> Disbursement:
    """Record money paid out and the physical progress at that date; disbursements never exceed the total investment."""
    access.require_manage_investment(actor, None)
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    if project.status in (ProjectStatus.PROPOSED, ProjectStatus.PREPARATION):
        raise ValidationError({"status": [_("Money is disbursed only on an approved project.")]})
    if amount <= 0:
        raise ValidationError({"amount": [_("The amount must be positive.")]})
    paid = project.disbursements.aggregate(s=Sum("amount"))["s"] or 0
    if paid + amount > project.total_investment:
        raise ValidationError({"amount": [_("Disbursements would exceed the total investment.")]})
    if physical_progress is not None and not 0 <= physical_progress <= 100:
        raise ValidationError({"physical_progress": [_("Physical progress is a percentage from 0 to 100.")]})
    disbursement = Disbursement.objects.create(
        project=project, paid_on=paid_on, amount=amount, physical_progress=physical_progress, note=note, recorded_by=actor
    )
    changes = {"disbursed": [paid, paid + amount]}
    if physical_progress is not None and physical_progress != project.physical_progress:
        changes["physical_progress"] = [project.physical_progress, physical_progress]
        project.physical_progress = physical_progress
        project.save(update_fields=["physical_progress", "updated_at"])
    ProjectEvent.objects.create(
        project=project, action=ProjectEvent.Action.DISBURSED, from_status=project.status, to_status=project.status, note=note,
        changes=changes, actor=actor,
    )
    _province_rollup(project=project)
    return disbursement



PROGRESS_RANGE = gettext_noop("Physical progress is a percentage from 0 to 100.")


@transaction.atomic
def progress_record(*, project: InvestmentProject, actor, on: date, physical_progress: int, note: str = "") -> ProjectEvent:
    """Record the physical progress of a project at a date without any money paid (an M&E report, the progress sheet).

    Progress may go down: a later reading corrects an earlier one (a report that overstated the works).
    It is allowed because the report or sheet is the source of truth, but never silently: the event keeps
    the old and new values, is marked `lowered`, and its note says so. A project not yet approved has no
    works to measure, and a completed one stays at 100 %.
    """
    access.require_manage_investment(actor, None)
    if isinstance(physical_progress, bool) or not isinstance(physical_progress, int) or not 0 <= physical_progress <= 100:
        raise ValidationError({"physical_progress": [_(PROGRESS_RANGE)]})
    if on is None:
        raise ValidationError({"on": [_("The date of the progress is required.")]})
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    if project.status in (ProjectStatus.PROPOSED, ProjectStatus.PREPARATION):
        raise ValidationError({"status": [_("Physical progress is recorded only on an approved project.")]})
    if project.status == ProjectStatus.COMPLETED and physical_progress != 100:
        raise ValidationError({"physical_progress": [_("A completed project stands at 100 %.")]})
    old = project.physical_progress
    changes = {"physical_progress": [old, physical_progress], "on": on.isoformat()}
    notes = [note.strip()] if note.strip() else []
    if physical_progress < old:
        changes["lowered"] = True
        notes.append(_("Physical progress lowered from %(old)s %% to %(new)s %% (correction).") % {"old": old, "new": physical_progress})
    if physical_progress != old:
        project.physical_progress = physical_progress
        project.save(update_fields=["physical_progress", "updated_at"])
    event = ProjectEvent.objects.create(
        project=project, action=ProjectEvent.Action.PROGRESS, from_status=project.status, to_status=project.status,
        note=" ".join(notes), changes=changes, actor=actor,
    )
    _province_rollup(project=project)
    return event
