"""The review map page: district staff review the investment plan on the map; communes read and answer."""
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.access import (
    can_manage_investment,
    can_read_district_envelopes,
    can_read_district_totals,
    can_review_investment,
    commune_unit_of,
    is_commune_team,
    require,
    visible_commune_ids,
)
from core.models import CapitalSource, Sector
from geo.selectors import communes_of
from investment import selectors
from investment.models import PlanKind, PlanState, ProjectGroup, ProjectManager, ProjectStatus, ReviewDecision


def _envelope_table(request):
    """The envelope table of the page: the plan (`?plan=`, else the newest, annual first) and year (`?year=`, else this
    year when the plan covers it, else its first year). Bad or foreign values fall back to the defaults rather than fail."""
    plans = list(selectors.plan_list())
    if not plans:
        return None
    chosen = plans[0]
    try:
        chosen = next(p for p in plans if p.pk == int(request.GET.get("plan", "")))
    except (ValueError, StopIteration):
        pass
    this_year = timezone.localdate().year
    year = this_year if this_year in chosen.years else chosen.start_year
    try:
        asked = int(request.GET.get("year", ""))
        if asked in chosen.years:
            year = asked
    except ValueError:
        pass
    # Shown in millions of VND, as plans are read, by the one money rule (the `vnd_millions` filter).
    comparison = selectors.plan_envelopes(plan=chosen, year=year)
    medium_term = selectors.medium_term_check(plan=chosen)
    return {"plans": plans, "plan": chosen, "year": year, "comparison": comparison, "medium_term": medium_term}


@require_safe
def review_map(request):
    """Projects by status, sector and capital source and the communes' proposed works over the communes; a click opens
    the review panel. Beside the map, the chosen plan's allocations against step 2's envelope, by capital source."""
    district = request.tenant
    user = request.user
    commune = commune_unit_of(user)
    config = {
        "district": district.unit.code,
        "api": f"/d/{district.slug}/api/",
        "canReview": can_review_investment(user, district),
        "canAnswer": is_commune_team(user),
        "ownCommune": commune.code if commune is not None and is_commune_team(user) else None,
        "scoped": visible_commune_ids(user, district) is not None,
        "statuses": dict(ProjectStatus.choices),
        "sectors": dict(Sector.choices),
        "sources": dict(CapitalSource.choices),
        "decisions": dict(ReviewDecision.choices),
        "text": {
            "legendTitle": _("Projects by status"), "communeBoundary": _("Commune boundary"),
            "investor": _("Investor"), "total": _("Total investment"), "status": _("Status"), "sector": _("Sector"),
            "group": _("Project group"), "manager": _("Managed by"), "communes": _("Communes served"),
            "decision": _("Investment decision"), "years": _("Years"), "progress": _("Physical progress"),
            "sources": _("Capital sources"), "allocations": _("Allocations"), "proposals": _("Origin proposals"),
            "noProposals": _("No proposal linked yet."), "history": _("History of the project"), "reviews": _("Review decisions and notes"),
            "noReviews": _("No review yet."), "record": _("Record a decision"), "comment": _("Comment"), "save": _("Save"),
            "saved": _("Decision recorded."), "answer": _("Answer"), "sendAnswer": _("Send the answer"),
            "answered": _("Answer sent."), "pin": _("Pin a review note"), "pinHint": _("Click the map where the note belongs."),
            "notePinned": _("Note pinned."), "noteOnProject": _("On the project"), "note": _("Review note"), "vnd": _("VND"), "million": _("million VND"),
            "planItems": _("Works in the communes' draft plans"), "planItem": _("Commune plan item"), "commune": _("Commune"),
            "planVersion": _("Plan version"), "cost": _("Estimated cost"), "funding": _("Capital sources"),
            "itemProjects": _("Projects answering it"), "noItemProjects": _("No project answers it yet."),
            "itemReviews": _("Decisions and notes on this work"), "answersItems": _("Commune plan items answered"),
            "noPlanItems": _("No commune plan item linked yet."),
            "error": _("Not saved:"), "disbursed": _("Disbursements"), "readOnly": _("Province staff read this review; only the district decides."),
        },
    }
    envelopes = _envelope_table(request) if can_read_district_envelopes(user, district) else None
    return render(request, "investment/review_map.html", {"config": config, "envelopes": envelopes})


def _require_district_reader(request):
    """The investment pages are the district's and the province's (`accounts.access.can_read_district_totals`): 403."""
    require(can_read_district_totals(request.user, request.tenant), _("The district's investment pages are for district and province staff."))


@require_safe
def plans_page(request):
    """The district's public-investment plans (Đ2.2, Đ16): list with sums by year, and for its Finance-Planning Office
    the forms to create, edit, submit, return and approve (with the decision's number and date). `?plan=<id>` opens one."""
    _require_district_reader(request)
    plans = list(selectors.plan_list())
    chosen = None
    try:
        chosen = next(p for p in plans if p.pk == int(request.GET.get("plan", "")))
    except (ValueError, StopIteration):
        chosen = plans[0] if plans else None
    totals = []
    if chosen is not None:
        labels = dict(CapitalSource.choices)
        for year, by_source in selectors.allocation_totals(plan=chosen).items():
            totals.append({"year": year, "total": sum(by_source.values()),
                           "sources": [(labels.get(code, code), amount) for code, amount in by_source.items()]})
    return render(request, "investment/plans.html", {
        "plans": plans, "plan": chosen, "totals": totals,
        "history": chosen.events.select_related("actor") if chosen is not None else [],
        "can_manage": can_manage_investment(request.user, request.tenant),
        "kinds": PlanKind.choices, "draft": PlanState.DRAFT, "submitted": PlanState.SUBMITTED, "approved": PlanState.APPROVED,
        "text": {"saved": _("Saved."), "submitted": _("Plan submitted."), "returned": _("Plan returned to draft."),
                 "approved": _("Plan approved."), "created": _("Plan created."),
                 "submitAsk": _("Submit this plan for approval?"), "approveAsk": _("Approve this plan? An approved plan changes only with a reason, kept in its history."),
                 "returnAsk": _("Return this plan to draft?"), "note": _("Note")},
    })


@require_safe
def projects_page(request):
    """The district's investment projects on a map and in a table (filters: plan, status, sector); for its
    Finance-Planning Office the project form (location drawn on the map, capital sources, communes served, allocations
    per plan, year and source), the status transitions and the disbursements. `?project=<id>` opens one."""
    _require_district_reader(request)
    district = request.tenant
    config = {
        "api": f"/d/{district.slug}/api/",
        "district": district.unit.code,
        "canManage": can_manage_investment(request.user, district),
        "statuses": dict(ProjectStatus.choices),
        "sectors": dict(Sector.choices),
        "sources": dict(CapitalSource.choices),
        "plans": [{"id": p.pk, "name": p.name, "start": p.start_year, "end": p.end_year} for p in selectors.plan_list()],
        "transitions": {
            "prepare": _("Start preparation"), "approve": _("Approve the investment"), "start": _("Start construction"),
            "complete": _("Mark completed"), "suspend": _("Suspend"), "resume": _("Resume"),
        },
        "from": {"prepare": ["proposed"], "approve": ["preparation"], "start": ["approved"], "complete": ["under_construction"],
                 "suspend": ["preparation", "approved", "under_construction"], "resume": ["suspended"]},
        "text": {
            "created": _("Project created."), "saved": _("Project saved."), "moved": _("Status changed."), "paid": _("Disbursement recorded."),
            "drawFirst": _("Draw the project's location on the map first."), "edit": _("Edit"), "new": _("New project"),
            "ask": _("Confirm: %(action)s?"), "reason": _("Reason"), "none": _("No project."), "million": _("million VND"),
            "progress": _("Physical progress"), "history": _("History of the project"), "disbursed": _("Disbursements"),
            "changeReason": _("Reason for the change (the plan or project is approved)"),
        },
    }
    return render(request, "investment/projects.html", {
        "config": config, "can_manage": config["canManage"], "communes": communes_of(district.unit),
        "sectors": Sector.choices, "statuses": ProjectStatus.choices, "sources": CapitalSource.choices,
        "managers": ProjectManager.choices, "groups": ProjectGroup.choices, "plans": config["plans"],
    })
