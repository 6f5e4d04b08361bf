"""Reads of plan cycles and plans (in the current district schema)."""
from datetime import date

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from accounts import access
from accounts.access import visible_commune_ids
from accounts.models import DepartmentPublication
from core.deadlines import lateness
from core.models import CapitalSource, PlanStep, Sector
from core.selectors import deadlines_for
from geo.selectors import communes_of
from plans.models import (
    PUBLISHED,
    STEP_CHOICES,
    STEP_OWNER,
    CommunePlan,
    Orientation,
    PlanCycle,
    PlanItem,
    PlanStatus,
    PublicComment,
    ResourceEnvelope,
)


class StepState:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"


def today():
    return timezone.localdate()


def dashboard_year() -> int:
    """The plan year a dashboard opens on: from May the communes plan next year; before that this year's plan is the live one."""
    on = today()
    return on.year + 1 if on.month >= 5 else on.year


def step_state(*, step, current_step, done_on, due_date, on):
    """The state of one step on a given day: done, overdue (not done and past its due date), in progress or not started.

    A step is overdue from the day after its due date ("by 10 May": 10 May itself is in time): `core.deadlines.lateness`.
    """
    late = lateness(due_on=due_date, done_on=done_on, on=on)
    if late.done_on is not None:
        return StepState.DONE
    if late.overdue:
        return StepState.OVERDUE
    if step == current_step:
        return StepState.IN_PROGRESS
    return StepState.NOT_STARTED


def cycle_steps(*, cycle, on=None, deadlines=None):
    """Each step of the cycle: owner, due date, state, the date of its decision (`done_on`), whether it was done late and by how
    many days (`done_late`, `days_late`, the words in `lateness`), who recorded it (`done_by`, a User or None) and when, evidence and meetings.

    A done step keeps the due date it had when completed (`CycleTransition.due_on`); an open one reads the province
    calendar. One rule for all: `core.deadlines.lateness` (due *by* the date, overdue from the day after).
    """
    on = on or today()
    deadlines = deadlines if deadlines is not None else deadlines_for(plan_year=cycle.plan_year)
    done = {}
    for transition in cycle.transitions.all():
        done[transition.from_status] = transition
    evidence = {}
    for record in cycle.evidence.all():
        evidence.setdefault(record.step, []).append(record)
    # Conference records are the meeting evidence of steps 3 and 5.
    meetings = {}
    conference_step = {"consultation": PlanStep.DRAFT.value, "sedp": PlanStep.SEDP_CONFERENCE.value}
    for conference in cycle.conferences.all():
        meetings.setdefault(conference_step[conference.kind], []).append(conference)
    rows = []
    for step in PlanStep:
        transition = done.get(step.value)
        due = (transition.due_on if transition and transition.due_on else None) or deadlines.get(step.value)
        late = lateness(due_on=due, done_on=transition.decided_on if transition else None, on=on)
        rows.append(
            {
                "step": step.value,
                "label": step.label,
                "owner": STEP_OWNER[step].value,
                "due_date": due,
                "state": step_state(step=step.value, current_step=cycle.step, done_on=late.done_on, due_date=due, on=on),
                "done_on": late.done_on,
                "done_late": late.done_late,
                "days_late": late.days_late,
                "lateness": late.label,
                "done_by": transition.actor if transition else None,  # a User: the API names them (accounts.events.person_output)
                "recorded_at": transition.at if transition else None,
                "evidence": evidence.get(step.value, []),
                "meetings": meetings.get(step.value, []),
            }
        )
    return rows


def cycle_lateness(*, cycle, on=None, deadlines=None, steps=None) -> dict:
    """The cycle in one line, for lists, the dashboard and the province: state (published, overdue or in_progress),
    overdue (an open step past its due date), overdue_steps (codes), late_steps ([{step, days_late}] of the steps done
    after their due date), days_late (days the open step is overdue, else the most days a step was done late) and
    lateness (its words: "quá hạn N ngày" / "hoàn thành muộn N ngày"). A cycle approved late stays late once published.
    """
    steps = steps if steps is not None else cycle_steps(cycle=cycle, on=on, deadlines=deadlines)
    overdue = [s for s in steps if s["state"] == StepState.OVERDUE]
    late = [s for s in steps if s["done_late"]]
    if overdue:
        worst = max(overdue, key=lambda s: s["days_late"])
    elif late:
        worst = max(late, key=lambda s: s["days_late"])
    else:
        worst = None
    state = PUBLISHED if cycle.step == PUBLISHED else StepState.OVERDUE if overdue else StepState.IN_PROGRESS
    return {"state": state, "overdue": bool(overdue), "overdue_steps": [s["step"] for s in overdue],
            "late_steps": [{"step": s["step"], "days_late": s["days_late"]} for s in late],
            "days_late": worst["days_late"] if worst else 0, "lateness": worst["lateness"] if worst else ""}


def cycle_summary_state(*, cycle, on=None, deadlines=None):
    """One word for a dashboard: published, overdue (any open step past due) or in_progress."""
    return cycle_lateness(cycle=cycle, on=on, deadlines=deadlines)["state"]


def cycle_list(*, user, district, plan_year=None):
    """The cycles this user may see in the district, with what the step table needs prefetched."""
    cycles = PlanCycle.objects.select_related("commune").prefetch_related("transitions__actor", "evidence", "conferences")
    ids = visible_commune_ids(user, district)
    if ids is not None:
        cycles = cycles.filter(commune_id__in=ids)
    if plan_year:
        cycles = cycles.filter(plan_year=plan_year)
    return cycles.order_by("commune__code", "-plan_year")


def cycle_get(*, user, pk):
    """A cycle the user may see, or AccessDenied (404: outside the user's scope looks like nothing)."""
    return access.access_cycle_by_id(user, None, pk)


def plan_get(*, user, pk):
    """A plan version the user may see, or AccessDenied (404)."""
    return access.access_plan_by_id(user, None, pk)


def plan_items(*, plan):
    return PlanItem.objects.filter(plan=plan).prefetch_related("proposals").order_by("order", "id")


def latest_plan(*, cycle):
    return cycle.versions.order_by("-number").first()


def orientations_for(*, user, plan_year=None, commune=None):
    """Published orientation (any user of the district), plus unpublished drafts for district staff.

    A commune sees only its own envelopes beside its draft.
    """
    qs = Orientation.objects.all()
    if not access.can_read_orientation_drafts(user):
        qs = qs.filter(published_at__isnull=False)
    if plan_year:
        qs = qs.filter(plan_year=plan_year)
    return qs.prefetch_related("documents", "department_publications__department", "department_publications__files", Prefetch("envelopes", queryset=ResourceEnvelope.objects.select_related("commune"), to_attr="all_envelopes"))


def plans_compare(*, a, b):
    """Item by item and target by target: what is only in one version and which fields differ."""
    fields = ["title", "kind", "sector", "estimated_cost", "funding", "responsible_unit", "starts_on", "ends_on"]

    result = {"items": [], "targets": []}
    for name, qa, qb, keys in (
        ("items", a.items.all(), b.items.all(), fields),
        ("targets", a.targets.all(), b.targets.all(), ["indicator", "unit", "current_estimate", "next_target"]),
    ):
        left, right = {r.lineage: r for r in qa}, {r.lineage: r for r in qb}
        for lineage in list(left) + [k for k in right if k not in left]:
            ra, rb = left.get(lineage), right.get(lineage)
            label = (ra or rb).title if name == "items" else (ra or rb).indicator
            if ra is None or rb is None:
                change = "added" if ra is None else "removed"
                diff = {}
            else:
                diff = {f: [_plain(getattr(ra, f)), _plain(getattr(rb, f))] for f in keys if getattr(ra, f) != getattr(rb, f)}
                if name == "items":
                    ga, gb = ra.geom, rb.geom
                    if (ga is None) != (gb is None) or (ga is not None and not ga.equals_exact(gb)):
                        diff["geometry"] = [ga.geojson if ga else None, gb.geojson if gb else None]
                change = "changed" if diff else "same"
            result[name].append({"lineage": str(lineage), "label": label, "change": change, "differences": diff})
    return result


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):
        return str(value)
    return value


def public_plans():
    """What the public may see: announced approved plans, and every draft put to public consultation (open for comment
    until its window closes, then read-only: citizens keep the team's answers to their comments once the plan is
    approved; it used to become a 404)."""
    return (
        CommunePlan.objects.select_related("cycle__commune")
        .filter(Q(status=PlanStatus.APPROVED, announced_at__isnull=False) | Q(consultation_closes_on__isnull=False))
        .order_by("cycle__commune__code", "-number")
    )


def public_plan_get(*, pk):
    plan = public_plans().filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def consultation_open(*, plan, on=None):
    return plan.consultation_closes_on is not None and plan.status != PlanStatus.APPROVED and (on or today()) <= plan.consultation_closes_on


def published_comments(*, plan):
    return PublicComment.objects.filter(plan=plan, status=PublicComment.Status.PUBLISHED).select_related("item")


def district_counts():
    """Counts for the district summary."""
    return {
        "plan_cycles": PlanCycle.objects.count(),
        "plans_published": PlanCycle.objects.filter(step=PUBLISHED).count(),
    }


def envelope_totals(*, plan_year):
    """Step 2's resource envelope of the whole district for a plan year: {capital source: VND}, summed over communes and sectors.

    Only published orientation counts: it is what the district has passed on to its communes.
    None when no orientation is published for the year (no envelope to compare with, which is not an envelope of 0).
    """
    from django.db.models import Sum

    envelopes = ResourceEnvelope.objects.filter(orientation__plan_year=plan_year, orientation__published_at__isnull=False)
    if not Orientation.objects.filter(plan_year=plan_year, published_at__isnull=False).exists():
        return None
    return {r["capital_source"]: r["total"] for r in envelopes.values("capital_source").annotate(total=Sum("amount")).order_by("capital_source")}


def plan_envelope_check(*, plan) -> dict:
    """A commune plan version against its step-2 envelopes (Đ2.4: the plan is built within the resources the district
    indicated): per sector × capital source, `envelope` (published orientation of the plan year, VND, None where there is
    none), `planned` (the version's items: their funding by source, VND) and `difference` (planned − envelope). A warning
    list, not a block: {"plan", "orientation_published", "rows", "over": rows planned above their envelope, "ok"}.
    """
    from django.db.models import Sum

    envelopes = {(e["sector"], e["capital_source"]): e["total"] for e in ResourceEnvelope.objects.filter(
        commune_id=plan.cycle.commune_id, orientation__plan_year=plan.cycle.plan_year, orientation__published_at__isnull=False,
    ).values("sector", "capital_source").annotate(total=Sum("amount")).order_by()}
    planned = {}
    for item in PlanItem.objects.filter(plan=plan).only("sector", "funding"):
        for source, amount in (item.funding or {}).items():
            planned[(item.sector, source)] = planned.get((item.sector, source), 0) + int(amount or 0)
    sectors, sources = dict(Sector.choices), dict(CapitalSource.choices)
    rows = []
    for sector, source in sorted(set(envelopes) | set(planned)):
        envelope, amount = envelopes.get((sector, source)), planned.get((sector, source), 0)
        rows.append({"sector": sector, "sector_label": str(sectors.get(sector, sector)), "capital_source": source,
                     "source_label": str(sources.get(source, source)), "envelope": envelope, "planned": amount,
                     "difference": None if envelope is None else amount - envelope})
    over = [r for r in rows if r["difference"] is not None and r["difference"] > 0]
    published = Orientation.objects.filter(plan_year=plan.cycle.plan_year, published_at__isnull=False).exists()
    return {"plan": plan.pk, "orientation_published": published, "rows": rows, "over": over, "ok": published and not over}


def dashboard_rows(*, user, district, plan_year: int) -> list[dict]:
    """Every commune of the district that the user may see, with its cycle for the plan year (or none).

    Each row: commune (GSO code), commune_name, cycle (id or None), step, step_name, state
    (`no_cycle` or the cycle's summary state) and its lateness (`cycle_lateness`: overdue, overdue_steps, late_steps,
    days_late, lateness). Serves the district
    dashboard (Đ16) as a table, a map and `GET …/api/plans/dashboard/`.
    """
    cycles = {c.commune_id: c for c in cycle_list(user=user, district=district, plan_year=plan_year)}
    due = deadlines_for(plan_year=plan_year)
    ids = visible_commune_ids(user, district)
    rows = []
    for commune in communes_of(district.unit):
        if ids is not None and commune.pk not in ids:
            continue
        cycle = cycles.get(commune.pk)
        row = {"commune": commune.code, "commune_name": commune.name, "cycle": None, "step": None, "step_name": None, "state": "no_cycle",
               "overdue": False, "overdue_steps": [], "late_steps": [], "days_late": 0, "lateness": ""}
        if cycle is not None:
            row.update(cycle=cycle.pk, step=cycle.step, step_name=str(dict(STEP_CHOICES)[cycle.step]),
                       **cycle_lateness(cycle=cycle, deadlines=due))
        rows.append(row)
    return rows


def department_publications_for(*, user, plan_year=None):
    """What the provincial departments published for the districts (Đ5.2, Đ15.2) that this user may read, newest
    first; `plan_year` narrows it to one year."""
    publications = access.department_publication_scope(user, DepartmentPublication.objects.select_related("department")
                                                       .prefetch_related("files"))
    publications = publications.filter(published_at__isnull=False)
    return publications.filter(plan_year=plan_year) if plan_year else publications
