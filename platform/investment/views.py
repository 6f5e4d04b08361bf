"""The review map page: district staff review the investment plan on the map; communes read and answer."""
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.access import can_review_investment, commune_unit_of, visible_commune_ids
from accounts.models import Role
from investment.models import ProjectStatus, ReviewDecision
from province.models import CapitalSource
from proposals.models import Sector


def review_map(request):
    """Projects by status, sector and capital source over the communes; a click opens the review panel."""
    district = request.tenant
    user = request.user
    commune = commune_unit_of(user)
    config = {
        "district": district.unit.code,
        "api": f"/d/{district.slug}/api/",
        "canReview": can_review_investment(user, district),
        "canAnswer": user.role == Role.COMMUNE,
        "ownCommune": commune.code if commune is not None and user.role == Role.COMMUNE else None,
        "scoped": visible_commune_ids(user, district) is not None,
        "statuses": dict(ProjectStatus.choices),
        "sectors": dict(Sector.choices),
        "sources": dict(CapitalSource.choices),
        "decisions": dict(ReviewDecision.choices),
        "text": {
            "investor": _("Investor"), "total": _("Total investment"), "status": _("Status"), "sector": _("Sector"),
            "group": _("Project group"), "manager": _("Managed by"), "communes": _("Communes served"),
            "decision": _("Investment decision"), "years": _("Years"), "progress": _("Physical progress"),
            "sources": _("Capital sources"), "allocations": _("Allocations"), "proposals": _("Origin proposals"),
            "noProposals": _("No proposal linked yet."), "history": _("History of the project"), "reviews": _("Review decisions and notes"),
            "noReviews": _("No review yet."), "record": _("Record a decision"), "comment": _("Comment"), "save": _("Save"),
            "saved": _("Decision recorded."), "answer": _("Answer"), "sendAnswer": _("Send the answer"),
            "answered": _("Answer sent."), "pin": _("Pin a review note"), "pinHint": _("Click the map where the note belongs."),
            "notePinned": _("Note pinned."), "note": _("Review note"), "vnd": _("VND"), "million": _("million VND"),
            "error": _("Not saved:"), "disbursed": _("Disbursements"), "readOnly": _("Province staff read this review; only the district decides."),
        },
    }
    return render(request, "investment/review_map.html", {"config": config})
