"""Pages of the plan cycle: a commune's cycle, and the district's dashboard of every commune."""
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import access
from accounts.access import (
    can_act_for_council,
    can_give_feedback,
    can_moderate_public_comments,
    can_orient_communes,
    can_plan_for_commune,
    can_review_commune,
    commune_unit_of,
    sector_office_of,
)
from core.models import CapitalSource, PlanStep, Sector
from files.storage import public_file_url
from geo.models import AdministrativeUnit
from geo.replica import reads_replica
from plans import selectors
from plans.models import STEP_CHOICES, Conference, DistrictFeedback, PlanCycle, PlanKind, PlanningTeam, PlanStatus, PublicComment


@require_safe
def dashboard(request):
    """The district's communes, their cycle's step and state for a plan year, as a table and a map."""
    year = request.GET.get("plan_year", "")
    year = int(year) if year.isdigit() else selectors.dashboard_year()
    own = commune_unit_of(request.user)
    rows = selectors.dashboard_rows(user=request.user, district=request.tenant, plan_year=year)
    # The "open a cycle" form lists the communes without a cycle that this user may open one for:
    # the district's staff for any of its communes, a commune team for its own (the service checks again).
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=[r["commune"] for r in rows if r["cycle"] is None])}
    openable = [r for r in rows if r["cycle"] is None and r["commune"] in units
                and (can_review_commune(request.user, units[r["commune"]]) or can_plan_for_commune(request.user, units[r["commune"]]))]
    orient = can_orient_communes(request.user, request.tenant)
    return render(request, "plans/dashboard.html", {
        "plan_year": year, "rows": rows, "own_commune": own, "openable": openable,
        "can_orient": orient,
        "orientations": selectors.orientations_for(user=request.user, plan_year=year) if orient else [],
        # Đ5.2, Đ15.2: what the provincial departments published for the year, for the district to pass on.
        "department_publications": selectors.department_publications_for(user=request.user, plan_year=year) if orient else [],
        "communes": [(r["commune"], r["commune_name"]) for r in rows],
        "sectors": Sector.choices, "capital_sources": CapitalSource.choices,
    })


@require_safe
def cycle_page(request, pk):
    """A commune's cycle: steps with owners, due dates, states and evidence; versions; who may act."""
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    cycle = PlanCycle.objects.prefetch_related("transitions__actor", "evidence", "conferences").select_related("commune").get(pk=cycle.pk)
    steps = selectors.cycle_steps(cycle=cycle)
    latest = selectors.latest_plan(cycle=cycle)
    is_team = can_plan_for_commune(request.user, cycle.commune)
    is_district = can_review_commune(request.user, cycle.commune)
    editable = latest is not None and latest.status == PlanStatus.WORKING
    team = PlanningTeam.objects.filter(cycle=cycle).prefetch_related("members").first()
    # Which forms to show: each to the role that owns the action, and only at the step where the service accepts it.
    forms = {
        "team": is_team and cycle.step == PlanStep.TEAM,
        "draft": is_team and cycle.step == PlanStep.DRAFT and latest is None,
        "edit": is_team and editable,
        "conference": is_team and cycle.step in (PlanStep.DRAFT, PlanStep.SEDP_CONFERENCE),
        # Step 4: the Finance-Planning Office or a sector office of the district (Đ5.4, Đ16.2).
        "feedback": can_give_feedback(request.user, cycle.commune) and latest is not None and cycle.step == PlanStep.DISTRICT_FEEDBACK,
        "answer": is_team,
        "new_version": is_team and latest is not None and cycle.step in (PlanStep.DISTRICT_FEEDBACK, PlanStep.SEDP_CONFERENCE, PlanStep.APPROVAL)
        and not (latest.kind == PlanKind.FINAL),
        "consultation": is_team and editable and cycle.step == PlanStep.SEDP_CONFERENCE,
        "moderate": latest is not None and can_moderate_public_comments(request.user, cycle.commune),
    }
    # Comments stay with the version they were made on (the revised draft), also once the final version exists.
    comments = list(PublicComment.objects.filter(plan__cycle=cycle).select_related("plan")) if forms["moderate"] else []
    forms.update({
        # Đ6.1: the People's Council records its own resolution.
        "resolution": can_act_for_council(request.user, cycle.commune) and latest is not None and latest.kind in (PlanKind.FINAL, PlanKind.AMENDMENT) and not latest.council_resolution_number,
        "approval": is_district and latest is not None and bool(latest.council_resolution_number) and latest.status != PlanStatus.APPROVED,
        # Decree 30, Art. 8: the team records the number the People's Committee gave the issued plan.
        "document_number": is_team and latest is not None and latest.kind in (PlanKind.FINAL, PlanKind.AMENDMENT) and latest.status != PlanStatus.WORKING,
    })
    feedback = list(DistrictFeedback.objects.filter(plan__cycle=cycle).select_related("author", "item")) if latest else []
    # Decree 30, Art. 8: the district's Finance-Planning Office records the number of its letter of comments (step 4).
    forms["feedback_letter_number"] = is_district and bool(feedback)
    return render(request, "plans/cycle.html", {
        "forms": forms,
        "signing_office": sector_office_of(request.user),
        "api": f"/d/{request.tenant.slug}/api/plans/",
        "team": team,
        "team_rows": _team_rows(team),
        "items": selectors.plan_items(plan=latest) if latest else [],
        "targets": latest.targets.all() if latest else [],
        "feedback": feedback,
        "comments": comments,
        "compare_labels": {
            "added": _("added"), "removed": _("removed"), "changed": _("changed"), "same": _("same"),
            "fields": {"title": _("Title"), "kind": _("Kind"), "sector": _("Sector"), "estimated_cost": _("Estimated cost (VND)"),
                       "funding": _("Capital sources (VND)"), "responsible_unit": _("Responsible unit"), "starts_on": _("Starts on"),
                       "ends_on": _("Ends on"), "geometry": _("Location"), "indicator": _("Indicator"), "unit": _("Unit"),
                       "current_estimate": _("Estimate for this year"), "next_target": _("Target for the plan year")},
        },
        "sectors": Sector.choices,
        "capital_sources": CapitalSource.choices,
        "conference_kinds": [(k, label) for k, label in Conference.Kind.choices
                             if (k == Conference.Kind.CONSULTATION) == (cycle.step == PlanStep.DRAFT)],
        "cycle": cycle,
        "steps": steps,
        "summary": selectors.cycle_lateness(cycle=cycle, steps=steps),
        "envelope_check": selectors.plan_envelope_check(plan=latest) if latest else None,
        "today": selectors.today(),
        "step_name": dict(STEP_CHOICES)[cycle.step],
        "versions": cycle.versions.all(),
        "latest": latest,
        "is_team": is_team,
        "is_district": is_district,
        "transitions": cycle.transitions.all(),
        "orientations": [
            {"o": o, "envelopes": [e for e in o.all_envelopes if e.commune_id == cycle.commune_id]}
            for o in selectors.orientations_for(user=request.user, plan_year=cycle.plan_year).filter(published_at__isnull=False)
        ],
    })


def _team_rows(team):
    """Seven member rows for the team form (Đ3: 5 to 7 members), filled with the recorded team if any."""
    members = list(team.members.all()) if team is not None else []
    return members + [None] * max(0, 7 - len(members))


@reads_replica
@require_safe
def public_plan_list(request):
    """The public portal of the district: announced plans and drafts open for comment (no login)."""
    return render(request, "plans/public_list.html", {"plans": selectors.public_plans()})


@reads_replica
@require_safe
def public_plan_page(request, pk):
    """One public plan: its works on a map and in a table, its targets, published comments; the comment form while open."""
    plan = selectors.public_plan_get(pk=pk)
    return render(request, "plans/public_plan.html", {
        "plan": plan,
        "items": selectors.plan_items(plan=plan),
        "targets": plan.targets.all(),
        "comments": selectors.published_comments(plan=plan),
        "open": selectors.consultation_open(plan=plan),
        # Links to the public download route: None until the plan is announced (files.views refuses them before).
        "resolution_url": public_file_url(plan.council_resolution_file) if access.is_announced_plan(plan) else None,
        "decision_url": public_file_url(plan.district_decision_file) if access.is_announced_plan(plan) else None,
    })
