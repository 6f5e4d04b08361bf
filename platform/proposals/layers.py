"""The proposals layer (Đ4 step 1: village and sector proposals), declared once for every route that answers it.

Registered in ProposalsConfig.ready() into `geo.layers.registry` as "proposals". Rows: the caller's
`accounts.access.proposal_scope`; an anonymous caller reads the published proposals only (the public map).
"""
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from accounts import access
from core.models import Sector
from files.storage import file_url_sql
from geo.layers import UNIT_CODE, Filter, Layer
from geo.text import fold
from proposals.models import Proposal, ProposalStatus, SourceKind, VillageMeeting


def _search(rows, text):
    for word in fold(text).split():
        rows = rows.filter(search_text__contains=word)
    return rows


def _late(rows, late):
    """`late` converted by the kit (geo.layers.Filter.one): True keeps the late proposals only; False is every proposal."""
    return rows.filter(is_late=True) if late is True else rows


class ProposalLayer(Layer):
    id = "proposals"
    title = "Đề xuất của thôn và ngành"
    label = _("Proposals of villages and commune units")  # the download menu's words, in the page's language; title stays the data's name
    description = _("Proposals of villages and sectors (Decision 07/2015 Đ4 step 1), EPSG:4326.")
    scope = "district"
    table = ("proposals_proposal t JOIN public.geo_administrativeunit c ON c.id = t.commune_id "
             "LEFT JOIN public.geo_administrativeunit v ON v.id = t.village_id")
    geometry_type = "Geometry"
    order = (F("commune_rank").asc(nulls_last=True), "-created_at", "-id")
    datetime_field = "created_at"
    amounts = ("estimated_cost", "internal_resources")
    datetime_property = "created_at"
    properties = {
        "id": ("integer", "t.id"), "commune": ("string", "c.code"), "commune_name": ("string", "c.name"),
        "village": ("string", "v.code"), "village_name": ("string", "v.name"), "title": ("string", "t.title"),
        "sector": ("string", "t.sector"), "estimated_cost": ("integer", "t.estimated_cost"),
        "internal_resources": ("integer", "t.residents_cash + t.residents_labour_value"),
        "status": ("string", "t.status"), "source_kind": ("string", "t.source_kind"), "source_name": ("string", "t.source_name"), "commune_unit": ("integer", "t.commune_unit_id"),
        "priority": ("integer", "t.priority"), "commune_rank": ("integer", "t.commune_rank"), "is_late": ("boolean", "t.is_late"),
        "is_published": ("boolean", "t.is_published"), "merged_into": ("integer", "t.merged_into_id"),
        "plan_year": ("integer", "t.plan_year"), "decision_reason": ("string", "t.decision_reason"),
        "created_at": ("datetime", "t.created_at"),
    }
    filters = {
        "commune": Filter("commune__code", description=_("GSO codes, comma-separated"), pattern=UNIT_CODE),
        "village": Filter("village__code", description=_("village codes"), pattern=UNIT_CODE),
        "sector": Filter("sector", choices=tuple(Sector.values)), "status": Filter("status", choices=tuple(ProposalStatus.values)),
        "source": Filter("source_kind", choices=tuple(SourceKind.values)),
        "plan_year": Filter("plan_year", "integer"),
        "late": Filter(apply=_late, type="boolean", split=False, description=_("1: only proposals submitted after the deadline")),
        "q": Filter(apply=_search, split=False, description=_("words of the title or place, with or without diacritics")),
    }

    def rows(self, user, district):
        if not user.is_authenticated:
            return access.public_proposal_scope(Proposal.objects.all())
        return access.proposal_scope(user, Proposal.objects.all())


class PublishedProposalLayer(ProposalLayer):
    """The same layer as everybody sees it on the public map (published proposals only), whoever asks: the public
    route, and a collection and download of its own, so that a signed-in reader (whose `proposals` are its working
    scope) gets the public map's rows too, and the public page's download menu gives the file the page shows."""

    id = "published-proposals"
    title = "Đề xuất đã công bố"
    label = _("Published proposals")
    description = _("The proposals the commune teams have made public (Decision 07/2015 Đ5 step 1), the same for every "
                    "reader, EPSG:4326.")

    def rows(self, user, district):
        return access.public_proposal_scope(Proposal.objects.all())


class VillageMeetingLayer(Layer):
    """Village meetings (Đ4 step 1), placed at a point on their village; rows `accounts.access.meeting_scope`."""

    id = "village-meetings"
    title = "Họp thôn"
    label = _("Village meetings")  # the download menu's words, in the page's language; title stays the data's name
    description = _("Village meetings that gathered the proposals (Decision 07/2015 Đ4 step 1), at a point of their village, EPSG:4326.")
    table = ("proposals_villagemeeting t JOIN public.geo_administrativeunit c ON c.id = t.commune_id "
             "JOIN public.geo_administrativeunit v ON v.id = t.village_id")
    geometry_sql = "ST_PointOnSurface(v.geom)"
    geometry_type = "Point"
    bbox_lookup = "village__geom__intersects"
    order = ("-held_on", "-id")
    datetime_field = "held_on"
    name_property = "village_name"
    amounts = ("participants", "women", "poor_households")
    properties = {
        "id": ("integer", "t.id"), "commune": ("string", "c.code"), "village": ("string", "v.code"), "village_name": ("string", "v.name"),
        "plan_year": ("integer", "t.plan_year"), "held_on": ("date", "t.held_on"), "place": ("string", "t.place"),
        "chair": ("string", "t.chair"), "participants": ("integer", "t.participants"), "women": ("integer", "t.women"),
        "poor_households": ("integer", "t.poor_households"), "minutes": ("string", file_url_sql("t.minutes")),
    }
    filters = {"commune": Filter("commune__code", description=_("GSO codes"), pattern=UNIT_CODE),
               "village": Filter("village__code", description=_("village codes"), pattern=UNIT_CODE)}

    def rows(self, user, district):
        if not user.is_authenticated:
            return None
        return access.meeting_scope(user, VillageMeeting.objects.all())


proposals = ProposalLayer()
meetings = VillageMeetingLayer()
published_proposals = PublishedProposalLayer()
