"""The offline bundle: everything a phone keeps to capture step 1 and the village's reports without a connection (issue 16).

One read, `offline_bundle(user=…, district=…)`, answered at `GET /d/<slug>/api/me/offline/`. Geometries are GeoJSON in
EPSG:4326 (lon/lat), simplified in PostGIS (`ST_SimplifyPreserveTopology`, tolerance `OFFLINE_SIMPLIFY_DEGREES`, default
1e-4 degree ≈ 11 m) and written with 6 decimals (≈ 0.1 m); money in whole đồng. What a user sees follows
`accounts.access`: `offline_village_scope` (a village head keeps only its own village), `proposal_scope` and
`meeting_scope`, `monitoring.selectors.report_queryset`.
"""
import hashlib
import json

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import F, Func, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.events import moment_output
from core.models import CapitalSource, PlanStep, Sector
from files.uploads import PHOTO_TYPES
from geo.models import AdministrativeUnit
from monitoring import selectors as monitoring_selectors
from monitoring.models import MEPlanStatus, ReportingPeriod
from plans.models import PlanCycle
from proposals.models import Proposal, ProposalStatus, SourceKind, VillageMeeting
from proposals.services import default_plan_year, proposals_deadline

# Steps in which village meetings and proposals are still the cycle's work (Đ5 step 1 and the team before it).
CAPTURE_STEPS = (PlanStep.TEAM, PlanStep.PROPOSALS)


def _simplified(field="geom"):
    tolerance = Value(settings.OFFLINE_SIMPLIFY_DEGREES)
    return AsGeoJSON(Func(F(field), tolerance, function="ST_SimplifyPreserveTopology", output_field=GeometryField(srid=4326)), precision=6)


def _feature(feature_id, geometry, properties):
    return {"type": "Feature", "id": feature_id, "geometry": json.loads(geometry) if geometry else None, "properties": properties}


def _collection(features):
    return {"type": "FeatureCollection", "features": features}


def _unit_feature(unit):
    return _feature(unit.code, unit.shape, {"id": unit.pk, "code": unit.code, "name": unit.name, "level": unit.level,
                                            "parent": unit.parent.code if unit.parent_id else None})


def _choices(choices):
    return [{"code": code, "label": str(label)} for code, label in choices]


def _cycle(commune):
    cycle = PlanCycle.objects.filter(commune=commune).order_by("-plan_year").first()
    if cycle is None:
        return None
    due = proposals_deadline(cycle.plan_year)
    capturing = cycle.step in CAPTURE_STEPS
    return {
        "id": cycle.pk, "plan_year": cycle.plan_year, "step": cycle.step, "step_label": str(cycle.get_step_display()),
        "proposals_open": capturing, "meetings_open": capturing,
        "proposals_due_on": due.isoformat() if due else None,
        "proposals_late": bool(due and timezone.localdate() > due),
    }


def _proposals(user, village):
    mine = Q(created_by=user) | (Q(village=village) if village is not None else Q(pk__in=[]))
    rows = (access.proposal_scope(user, Proposal.objects.all()).filter(mine).select_related("village")
            .annotate(shape=_simplified()).order_by("-created_at", "-pk"))
    return _collection([_feature(p.pk, p.shape, {
        "id": p.pk, "title": p.title, "sector": p.sector, "plan_year": p.plan_year, "village": p.village.code if p.village_id else None,
        "estimated_cost": p.estimated_cost, "status": p.status, "status_label": str(ProposalStatus(p.status).label),
        "decision_reason": p.decision_reason, "is_late": p.is_late, "meeting": p.meeting_id,
        "created_at": moment_output(p.created_at), "updated_at": moment_output(p.updated_at),
    }) for p in rows])


def _meetings(user, commune):
    rows = access.meeting_scope(user, VillageMeeting.objects.filter(commune=commune)).select_related("village").order_by("-held_on", "-pk")
    return [{"id": m.pk, "village": m.village.code, "village_name": m.village.name, "plan_year": m.plan_year,
             "held_on": m.held_on.isoformat(), "place": m.place, "participants": m.participants, "women": m.women,
             "poor_households": m.poor_households, "has_minutes": bool(m.minutes)} for m in rows]


def _monitoring(user, district, commune):
    """What the village's periodic report and the evidence photos need: the commune's approved M&E plans, this and
    last year's reporting periods, and the reports the user reads."""
    year = timezone.localdate().year
    me_plans = monitoring_selectors.me_plan_queryset(user=user, district=district).filter(commune=commune, status=MEPlanStatus.APPROVED)
    periods = ReportingPeriod.objects.filter(year__in=(year - 1, year)).order_by("starts_on")
    reports = monitoring_selectors.report_queryset(user=user, district=district).filter(me_plan__commune=commune).select_related("village")
    return {
        "me_plans": [{"id": p.pk, "year": p.year} for p in me_plans.order_by("-year")],
        "periods": [{"id": p.pk, "kind": p.kind, "year": p.year, "number": p.number, "starts_on": p.starts_on.isoformat(),
                     "ends_on": p.ends_on.isoformat(), "village_due_on": p.village_due_on.isoformat()} for p in periods],
        "reports": [{"id": r.pk, "me_plan": r.me_plan_id, "period": r.period_id, "village": r.village.code if r.village_id else None,
                     "status": r.status} for r in reports.order_by("-pk")],
    }


def offline_bundle(*, user, district) -> dict:
    """The phone's offline copy for `user` in `district` (see the module and docs/API.md). AccessDenied (403) for a role
    that does not capture in the field (`access.works_offline`)."""
    access.require(access.works_offline(user), _("Only a village head, a commune planning team or a commune unit works offline."))
    commune = access.commune_unit_of(user)
    village = access.village_of_head(user)
    commune_row = AdministrativeUnit.objects.select_related("parent").annotate(shape=_simplified()).get(pk=commune.pk)
    villages = access.offline_village_scope(user, AdministrativeUnit.objects.filter(level="village", is_current=True))
    villages = villages.select_related("parent").annotate(shape=_simplified()).order_by("code")
    return {
        "generated_at": moment_output(timezone.now()),
        "user": {"username": user.username, "role": access.role_of(user), "village_id": village.pk if village else None,
                 "village_code": village.code if village else None, "commune_id": commune.pk, "commune_code": commune.code},
        "district": {"slug": district.slug, "name": district.name},
        "commune": _unit_feature(commune_row),
        "villages": _collection([_unit_feature(v) for v in villages]),
        "vocabularies": {
            "sectors": _choices(Sector.choices),
            "capital_sources": _choices(CapitalSource.choices),
            "resource_fields": [{"code": name, "label": str(Proposal._meta.get_field(name).verbose_name)} for name in Proposal.RESOURCE_FIELDS],
            "source_kinds": _choices(SourceKind.choices),
            "proposal_statuses": _choices(ProposalStatus.choices),
        },
        "cycle": _cycle(commune),
        "default_plan_year": default_plan_year(),
        "proposals": _proposals(user, village),
        "meetings": _meetings(user, commune),
        "monitoring": _monitoring(user, district, commune),
        "limits": {"upload_max_bytes": settings.UPLOAD_MAX_BYTES, "upload_max_pixels": settings.UPLOAD_MAX_PIXELS,
                   "photo_types": sorted(PHOTO_TYPES), "geometry_tolerance_m": settings.GEOMETRY_TOLERANCE_M,
                   "idempotency_key_days": settings.IDEMPOTENCY_KEY_DAYS},
    }


def bundle_version(bundle: dict) -> str:
    """A hash (MD5 hex, not for security) of the bundle without `generated_at`: equal for equal content, the ETag."""
    content = json.dumps({k: v for k, v in bundle.items() if k != "generated_at"}, sort_keys=True, default=str)
    return hashlib.md5(content.encode(), usedforsecurity=False).hexdigest()
