"""Reads of public-investment plans, projects and reviews (in the current district schema).

Map layers are built as GeoJSON text inside PostgreSQL (json_build_object, ST_AsGeoJSON, json_agg)
in one statement per request: serializing thousands of features one object at a time in Python
costs 20–40 times as much (see the proposals issue), and the review map draws whole layers.
"""
from collections import defaultdict

from django.db.models import Case, OuterRef, Q, Subquery, Sum, When
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from accounts import access
from accounts.access import visible_commune_ids
from core.models import CapitalSource
from investment.models import (
    Allocation,
    InvestmentProject,
    PlanKind,
    PlanState,
    PublicInvestmentPlan,
    Review,
)
from plans import selectors as plan_selectors
from plans.models import CommunePlan, PlanItem, PlanStatus


def district_counts():
    """Counts for the district summary."""
    return {
        "investment_plans": PublicInvestmentPlan.objects.count(),
        "investment_projects": InvestmentProject.objects.count(),
        "investment_reviews": Review.objects.count(),
    }


def plan_list():
    return PublicInvestmentPlan.objects.all()


def allocations_by_source(*, plan: PublicInvestmentPlan, year: int | None = None) -> dict:
    """Sum of the plan's allocations by capital source ({source code: VND}), for one year or all.

    This is what the district's resource envelope of step 2 is compared with: join it to the
    envelope of the same year and source.
    """
    rows = Allocation.objects.filter(plan=plan)
    if year is not None:
        rows = rows.filter(year=year)
    return {r["source"]: r["total"] for r in rows.values("source").annotate(total=Sum("amount")).order_by("source")}


def envelope_comparison(*, plan: PublicInvestmentPlan, year: int, envelopes: dict) -> list[dict]:
    """The year's allocations by capital source against the resource envelope of step 2 ({source: VND}).

    One row per source that is allocated or has an envelope, in the vocabulary's order; `exceeds` is
    the warning the review map shows. The plan-cycle app supplies `envelopes` for the district and year.
    """
    allocated = allocations_by_source(plan=plan, year=year)
    rows = []
    for source in CapitalSource.values:
        if source not in allocated and source not in envelopes:
            continue
        amount, envelope = allocated.get(source, 0), envelopes.get(source)
        rows.append({"source": source, "allocated": amount, "envelope": envelope, "exceeds": envelope is not None and amount > envelope})
    return rows


def plan_envelopes(*, plan: PublicInvestmentPlan, year: int) -> dict:
    """The year's allocations by source against the district's step-2 envelope for that plan year (plans app).

    The envelope is the published orientation's envelopes summed over communes and sectors per source;
    a source without an envelope is shown but never flagged. `exceeds` is true when any source does.
    """
    envelopes = plan_selectors.envelope_totals(plan_year=year)
    rows = envelope_comparison(plan=plan, year=year, envelopes=envelopes or {})
    labels = dict(CapitalSource.choices)
    for row in rows:
        row["label"] = str(labels.get(row["source"], row["source"]))
        row["excess"] = row["allocated"] - row["envelope"] if row["exceeds"] else 0
    return {
        "plan": plan.pk, "year": year, "orientation_published": envelopes is not None, "rows": rows,
        "exceeds": any(r["exceeds"] for r in rows),
        "allocated": sum(r["allocated"] for r in rows),
        "envelope": sum(r["envelope"] or 0 for r in rows) if envelopes is not None else None,
    }


def medium_term_of(*, plan: PublicInvestmentPlan) -> PublicInvestmentPlan | None:
    """The medium-term plan an annual plan belongs to (Đ2.2): the one whose years hold the annual plan's first year, an
    approved one first, else the newest; None when there is none."""
    candidates = PublicInvestmentPlan.objects.filter(kind=PlanKind.MEDIUM_TERM, start_year__lte=plan.start_year, end_year__gte=plan.start_year)
    return candidates.order_by(Case(When(state=PlanState.APPROVED, then=0), default=1), "-start_year", "-id").first()


def medium_term_check(*, plan: PublicInvestmentPlan) -> dict:
    """An annual public-investment plan against its medium-term plan (Đ2.2: the annual plan implements the medium-term one).

    Per project and capital source (VND): `medium_term` (all years of the medium-term plan), `annual` (every annual plan
    of the medium-term period so far, this one included), `this_plan`, and `over` (annual − medium-term when above it, else
    0). Projects of the annual plan absent from the medium-term plan are listed in `not_in_medium_term`. A warning list, not
    a block: {"plan", "medium_term": {id, name, start_year, end_year, state} | None, "rows": [...], "over": [...],
    "not_in_medium_term": [...], "ok": bool}. A medium-term plan is checked against nothing (ok, no rows).
    """
    if plan.kind != PlanKind.ANNUAL:
        return {"plan": plan.pk, "medium_term": None, "rows": [], "over": [], "not_in_medium_term": [], "ok": True}
    medium = medium_term_of(plan=plan)

    def sums(allocations):
        return {(r["project"], r["source"]): r["total"] for r in allocations.values("project", "source").annotate(total=Sum("amount")).order_by()}

    mine = sums(Allocation.objects.filter(plan=plan))
    medium_sums = sums(Allocation.objects.filter(plan=medium)) if medium else {}
    annual = sums(Allocation.objects.filter(plan__kind=PlanKind.ANNUAL, plan__start_year__gte=medium.start_year if medium else plan.start_year,
                                            plan__start_year__lte=plan.start_year)) if medium else mine
    projects = {p.pk: p for p in InvestmentProject.objects.filter(pk__in={k[0] for k in mine})}
    labels = dict(CapitalSource.choices)
    in_medium = {k[0] for k in medium_sums}
    rows = []
    for (project, source), amount in sorted(mine.items(), key=lambda kv: (projects[kv[0][0]].code, kv[0][1])):
        # A source the medium-term plan gives the project nothing from has a limit of 0; a project absent from it, none.
        limit = medium_sums.get((project, source), 0) if project in in_medium else None
        total = annual.get((project, source), amount)
        rows.append({"project": project, "code": projects[project].code, "name": projects[project].name, "source": source,
                     "source_label": str(labels.get(source, source)), "medium_term": limit, "annual": total, "this_plan": amount,
                     "over": max(total - limit, 0) if limit is not None else None})
    missing = sorted({(r["code"], r["name"], r["project"]) for r in rows if r["medium_term"] is None})
    over = [r for r in rows if r["over"]]
    return {
        "plan": plan.pk,
        "medium_term": None if medium is None else {"id": medium.pk, "name": medium.name, "start_year": medium.start_year,
                                                    "end_year": medium.end_year, "state": medium.state},
        "rows": rows, "over": over,
        "not_in_medium_term": [{"project": pk, "code": code, "name": name} for code, name, pk in missing],
        "ok": medium is not None and not over and not missing,
    }


def allocation_totals(*, plan: PublicInvestmentPlan) -> dict:
    """{year: {source: VND}} for every year of the plan (years without allocations hold an empty dict)."""
    totals = {year: {} for year in plan.years}
    for r in Allocation.objects.filter(plan=plan).values("year", "source").annotate(total=Sum("amount")).order_by("year", "source"):
        totals.setdefault(r["year"], {})[r["source"]] = r["total"]
    return totals


def int_param(request, name):
    """A whole-number query parameter, or None; anything else is a 400 naming it."""
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError({name: [_("%(name)s must be a whole number.") % {"name": name}]})


def project_queryset(*, user, district):
    """The projects this user may see (`accounts.access.project_scope`): district and province staff every project,
    a commune (or its villages) those serving it. The project list filters them through the layer's filters
    (`investment.layers.projects`)."""
    return access.project_scope(user, district, InvestmentProject.objects.all())


def review_queryset(*, user, district):
    """Reviews this user may see (`accounts.access.review_scope`: all for district and province staff, those concerning
    its commune for a commune). The map's filters (`project`, `plan_item`, `kind`, `commune`, `bbox`) are the layer
    kit's (`investment.layers.reviews`), so a bad value is the kit's 400 naming the parameter."""
    return access.review_scope(user, district, Review.objects.all())


def project_history(*, project: InvestmentProject):
    return project.events.select_related("actor").order_by("at", "id")


def plan_export_rows(*, plan: PublicInvestmentPlan, projects):
    """Projects with allocations in the plan, grouped by sector, with {(year, source): VND} per project."""
    allocations = defaultdict(dict)
    for a in Allocation.objects.filter(plan=plan, project__in=projects).values("project_id", "year", "source").annotate(total=Sum("amount")):
        allocations[a["project_id"]][(a["year"], a["source"])] = a["total"]
    rows = list(projects.filter(pk__in=list(allocations)).prefetch_related("communes").order_by("sector", "code"))
    return rows, allocations


# ---- commune plan items under review --------------------------------------------------------------

def draft_item_queryset(*, user, district):
    """The works (with a cost and a place) that the communes' current draft plans put forward, for the review map.

    A cycle's current draft is its newest version while it is not approved (being written, or frozen
    as submitted to the district). A commune sees its own. The map's filters (`plan_year`, `commune`, `sector`,
    `bbox`) are the layer kit's (`investment.layers.plan_items`).
    """
    newest = CommunePlan.objects.filter(cycle=OuterRef("plan__cycle")).order_by("-number").values("pk")[:1]
    items = PlanItem.objects.filter(
        kind=PlanItem.Kind.WORK, estimated_cost__gt=0, geom__isnull=False, plan__status__in=[PlanStatus.WORKING, PlanStatus.FROZEN],
        plan_id=Subquery(newest),
    )
    visible = visible_commune_ids(user, district)
    return items if visible is None else items.filter(plan__cycle__commune_id__in=visible)


def plan_item_reviews(*, user, district, item: PlanItem):
    """The decisions and notes on this work in any version of its plan (same lineage), oldest first: its review history."""
    return (
        review_queryset(user=user, district=district).filter(plan_item_lineage=item.lineage)
        .select_related("author").prefetch_related("answers__author").order_by("created_at", "id").distinct()
    )


def proposal_chain(*, user, district, proposal) -> dict:
    """A village's request followed to the money: proposal → the plan items carrying it (every version) → the projects
    answering those items or the proposal itself → their allocations by year and source and what has been disbursed.

    Projects are those the user may see (a commune sees the projects serving it).
    """
    items = list(
        PlanItem.objects.filter(proposals=proposal).select_related("plan__cycle__commune").order_by("plan__cycle__plan_year", "plan__number", "id")
    )
    projects = (
        project_queryset(user=user, district=district)
        .filter(Q(proposals=proposal) | Q(plan_items__in=[i.pk for i in items]))
        .distinct().order_by("code")
    )
    projects = list(projects.prefetch_related("plan_items", "proposals"))
    ids = [p.pk for p in projects]
    allocated = defaultdict(list)
    for a in Allocation.objects.filter(project_id__in=ids).select_related("plan").order_by("year", "source"):
        allocated[a.project_id].append({"plan": a.plan_id, "plan_name": a.plan.name, "year": a.year, "source": a.source, "amount": a.amount})
    disbursed = dict(
        InvestmentProject.objects.filter(pk__in=ids).annotate(paid=Sum("disbursements__amount")).values_list("pk", "paid")
    )
    return {
        "proposal": {"id": proposal.pk, "title": proposal.title, "commune": proposal.commune.code, "plan_year": proposal.plan_year,
                     "status": proposal.status, "village": proposal.village.name if proposal.village_id else None},
        "plan_items": [
            {"id": i.pk, "title": i.title, "commune": i.plan.cycle.commune.code, "plan": i.plan_id, "plan_year": i.plan.cycle.plan_year,
             "version": i.plan.number, "plan_kind": i.plan.kind, "plan_status": i.plan.status, "estimated_cost": i.estimated_cost}
            for i in items
        ],
        "projects": [
            {"id": p.pk, "code": p.code, "name": p.name, "status": p.status, "total_investment": p.total_investment,
             "via_plan_items": sorted(x.pk for x in p.plan_items.all() if x.pk in {i.pk for i in items}),
             "answers_proposal": any(x.pk == proposal.pk for x in p.proposals.all()),
             "allocations": allocated[p.pk], "allocated": sum(a["amount"] for a in allocated[p.pk]), "disbursed": disbursed.get(p.pk) or 0}
            for p in projects
        ],
    }
