"""Pages of the plan cycle: a commune's cycle, and the district's dashboard of every commune."""
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.utils import timezone

from accounts.access import can_plan_for_commune, can_review_commune, commune_unit_of
from plans import selectors
from plans.models import STEP_CHOICES, PlanCycle


def _default_year():
    # From May the communes plan next year; before that the current year's plan is the live one.
    today = timezone.localdate()
    return today.year + 1 if today.month >= 5 else today.year


@require_safe
def dashboard(request):
    """The district's communes, their cycle's step and state for a plan year, as a table and a map."""
    from plans.apis import dashboard_rows

    year = request.GET.get("plan_year", "")
    year = int(year) if year.isdigit() else _default_year()
    own = commune_unit_of(request.user)
    return render(request, "plans/dashboard.html", {"plan_year": year, "rows": dashboard_rows(request, year), "own_commune": own})


@require_safe
def cycle_page(request, pk):
    """A commune's cycle: steps with owners, due dates, states and evidence; versions; who may act."""
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    cycle = PlanCycle.objects.prefetch_related("transitions__actor", "evidence", "conferences").select_related("commune").get(pk=cycle.pk)
    steps = selectors.cycle_steps(cycle=cycle)
    return render(request, "plans/cycle.html", {
        "cycle": cycle,
        "steps": steps,
        "step_name": dict(STEP_CHOICES)[cycle.step],
        "versions": cycle.versions.all(),
        "latest": selectors.latest_plan(cycle=cycle),
        "is_team": can_plan_for_commune(request.user, cycle.commune),
        "is_district": can_review_commune(request.user, cycle.commune),
        "transitions": cycle.transitions.all(),
        "orientations": [
            {"o": o, "envelopes": [e for e in o.all_envelopes if e.commune_id == cycle.commune_id]}
            for o in selectors.orientations_for(user=request.user, plan_year=cycle.plan_year).filter(published_at__isnull=False)
        ],
    })


@require_safe
def province_dashboard(request):
    """The province: every district's cycles for a plan year, per step, published and overdue (a table)."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    from accounts.access import is_province_wide

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_province_wide(request.user):
        raise PermissionDenied
    year = request.GET.get("plan_year", "")
    year = int(year) if year.isdigit() else _default_year()
    steps = [(value, label) for value, label in STEP_CHOICES]
    rows = selectors.province_cycle_rows(plan_year=year)
    for row in rows:
        row["step_counts"] = [row["by_step"].get(value, 0) for value, _label in steps]
    return render(request, "plans/province.html", {"plan_year": year, "rows": rows, "steps": steps})


@require_safe
def public_plan_list(request):
    """The public portal of the district: announced plans and drafts open for comment (no login)."""
    return render(request, "plans/public_list.html", {"plans": selectors.public_plans()})


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
    })
