"""The step-1 map page: pin proposals, and the planning team's table of them."""
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import access
from accounts.events import event_output
from core.models import Sector
from files.storage import public_file_url
from geo.readers import EXTENSIONS, NAMES
from geo.replica import reads_replica
from geo.selectors import communes_of, villages_of
from proposals import imports
from proposals.models import Proposal, ProposalStatus, SourceKind
from proposals.services import default_plan_year, proposals_deadline


def import_formats():
    """(accept attribute of the file input, names of the formats) for the kinds `proposals.imports` reads (Đ5).

    Derived from the importer's own list, so the form never offers a format the API refuses."""
    kinds = {"geojson" if kind == "json" else kind for kind in imports.KINDS}
    accept = ",".join(ext for ext, kind in EXTENSIONS.items() if kind in kinds)
    names = ", ".join(str(NAMES[kind]) for kind in NAMES if kind in kinds)
    return accept, names


@require_safe
def proposals_page(request):
    district = request.tenant
    user = request.user
    communes = list(communes_of(district.unit))
    own = access.commune_unit_of(user)
    if own is not None:
        commune = own
    else:
        code = request.GET.get("commune") or communes[0].code
        commune = next((c for c in communes if c.code == code), None)
        if commune is None:
            raise Http404
    plan_year = default_plan_year()
    return render(request, "proposals/proposals.html", {
        "commune": commune,
        "communes": communes if own is None else [],
        "villages": list(villages_of(commune)),
        "own_village": access.village_of_head(user),
        # A commune unit's account proposes for its own unit (Đ5.1): no village, no source to choose.
        "own_unit": access.commune_unit_id_of(user),
        "can_propose": access.can_propose_in(user, commune),
        "can_plan": access.can_plan_for_commune(user, commune),
        "can_import": access.can_import_proposals(user),
        "import_formats": import_formats(),
        "sectors": Sector.choices,
        "statuses": ProposalStatus.choices,
        "sources": SourceKind.choices,
        "plan_year": plan_year,
        "deadline": proposals_deadline(plan_year),
        "labels": {
            "sectors": {code: str(label) for code, label in Sector.choices},
            "statuses": {code: str(label) for code, label in ProposalStatus.choices},
            "pick": _("Select for merging"), "accept": _("Accept"), "defer": _("Defer"), "reject": _("Reject"), "up": _("Move up"), "late": _("late"),
            "reasonPrompt": _("Reason for the rejection (the proposer will see it):"),
            "decided": _("Decision saved."), "ranked": _("Order saved."), "drag": _("Drag to change the order"),
            "merged": _("Proposals merged."), "published": _("Proposals published."), "publish": _("Publish"),
            "publishAsk": _("Publish the commune's proposals?"),
            "publishHint": _("Citizens will see them on the public page; publishing cannot be undone."),
            "saved": _("Proposal saved."), "meetingSaved": _("Meeting saved."), "drawFirst": _("Draw the place on the map first."),
            "noPosition": _("Your position is not available."),
            "noFiles": _("No photos or documents."),
            "importChooseFile": _("Choose a file first."),
            "importRow": _("Row"), "importStatus": _("Status of the row"), "importDetail": _("Title or reasons"),
            "importTaken": _("taken"), "importRefused": _("refused"), "importDuplicate": _("duplicate"),
            "importPreviewed": _("Preview, nothing written: proposals to import: {taken}; rows refused: {refused}; duplicate rows: {duplicates}"),
            "importDone": _("Proposals imported: {taken}; rows refused: {refused}; duplicate rows: {duplicates}"),
        },
        "money_fields": [(name, Proposal._meta.get_field(name).verbose_name) for name in Proposal.RESOURCE_FIELDS],
    })


@reads_replica
@require_safe
def public_proposals_page(request):
    """The published proposals of a district on a map, for everyone (no login)."""
    district = request.tenant
    return render(request, "proposals/public.html", {
        "public_district": district,
        "communes": list(communes_of(district.unit)),
        "labels": {
            "sectors": {code: str(label) for code, label in Sector.choices},
            "statuses": {code: str(label) for code, label in ProposalStatus.choices},
            "noFiles": _("No photos or documents."),
        },
    })


def _detail(request, proposal, *, public):
    """The page of one proposal: what it asks, where, its photos and documents, its history and the team's decision."""
    files = [{"name": a.name, "is_image": a.content_type.startswith("image/"),
              "url": public_file_url(a.file) if public else a.file.url} for a in proposal.attachments.all()]
    events = proposal.events.select_related("actor").order_by("at")
    return render(request, "proposals/detail.html", {
        "proposal": proposal, "files": files, "public": public,
        # The one event shape (the public page names no one: its `actor` is None), `at` kept a datetime for the template.
        "history": [{**event_output(e, user=request.user, public=public), "at": e.at} for e in events],
        "resources": [(Proposal._meta.get_field(name).verbose_name, getattr(proposal, name)) for name in Proposal.RESOURCE_FIELDS],
    })


@require_safe
def proposal_page(request, pk):
    """`/d/<slug>/proposals/<id>/`: one proposal for those who may read it (`accounts.access.access_proposal_by_id`, 404 else)."""
    proposal = access.access_proposal_by_id(request.user, request.tenant, pk)
    return _detail(request, proposal, public=False)


@reads_replica
@require_safe
def public_proposal_page(request, pk):
    """`/d/<slug>/public/proposals/<id>/`: a published proposal for everyone (404 while unpublished); who acted is not shown."""
    proposal = access.public_proposal_scope(Proposal.objects.filter(pk=pk)).select_related("commune", "village").first()
    if proposal is None:
        raise Http404
    return _detail(request, proposal, public=True)
