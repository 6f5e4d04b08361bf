"""The M&E layers of a district (Đ8–Đ9), declared once in `geo.layers`: "evidence-photos" (geolocated photos) and
"supervision-findings" (community supervision findings). Rows: the M&E plans the caller reads (monitoring.selectors),
photos of a periodic report only for the report's readers (accounts.access.evidence_photo_scope). Not public.
"""
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.events import PERSON_SCHEMA, person_sql
from files.storage import file_url_sql
from geo.layers import Filter, Layer
from monitoring.models import EvidencePhoto, SupervisionFinding
from monitoring.selectors import me_plan_queryset


class EvidencePhotoLayer(Layer):
    id = "evidence-photos"
    title = "Ảnh minh chứng"
    label = _("Evidence photos")  # the download menu's words, in the page's language; title stays the data's name
    description = _("Geolocated evidence photos of the communes' M&E plans (Decision 07/2015 Đ8), EPSG:4326.")
    table = ("monitoring_evidencephoto t JOIN monitoring_meplan m ON m.id = t.me_plan_id "
             "JOIN geo_administrativeunit c ON c.id = m.commune_id LEFT JOIN monitoring_activity a ON a.id = t.activity_id "
             "LEFT JOIN accounts_user u ON u.id = t.uploaded_by_id")
    geometry_sql = "t.location"
    geometry_type = "Point"
    bbox_lookup = "location__intersects"
    order = ("-uploaded_at", "-id")
    datetime_field = "taken_on"
    name_property = "caption"
    properties = {
        "id": ("integer", "t.id"), "me_plan": ("integer", "t.me_plan_id"), "commune": ("string", "c.code"), "report": ("integer", "t.report_id"),
        "activity": ("integer", "t.activity_id"), "activity_title": ("string", "a.title"), "finding": ("integer", "t.finding_id"),
        "caption": ("string", "t.caption"), "taken_on": ("date", "t.taken_on"), "url": ("string", file_url_sql("t.photo")),
        "content_type": ("string", "t.content_type"), "uploaded_by": ("object", person_sql("u")),
        "uploaded_at": ("datetime", "t.uploaded_at"),
    }
    property_schemas = {"uploaded_by": PERSON_SCHEMA}
    filters = {name: Filter(f"{name}_id", "integer") for name in ("me_plan", "report", "activity", "finding")}

    def rows(self, user, district):
        if not user.is_authenticated:
            return None
        return access.evidence_photo_scope(user, EvidencePhoto.objects.filter(me_plan__in=me_plan_queryset(user=user, district=district)))


class FindingLayer(Layer):
    id = "supervision-findings"
    title = "Phát hiện giám sát cộng đồng"
    label = _("Supervision findings")  # the download menu's words, in the page's language; title stays the data's name
    description = _("Community supervision findings on the communes' activities (Decision 07/2015 Đ8), EPSG:4326.")
    table = ("monitoring_supervisionfinding t JOIN monitoring_activity a ON a.id = t.activity_id "
             "LEFT JOIN accounts_user u ON u.id = t.recorded_by_id")
    geometry_sql = "t.location"
    geometry_type = "Point"
    bbox_lookup = "location__intersects"
    order = ("-found_on", "-id")
    datetime_field = "found_on"
    name_property = "finding"
    properties = {
        "id": ("integer", "t.id"), "me_plan": ("integer", "t.me_plan_id"), "activity": ("integer", "t.activity_id"),
        "activity_title": ("string", "a.title"), "board": ("string", "t.board"), "found_on": ("date", "t.found_on"), "finding": ("string", "t.finding"),
        "recommendation": ("string", "t.recommendation"),
        "photos": ("array", f"(SELECT coalesce(json_agg({file_url_sql('p.photo')} ORDER BY p.id), '[]'::json) "
                            "FROM monitoring_evidencephoto p WHERE p.finding_id = t.id)"),
        "recorded_by": ("object", person_sql("u")),
    }
    property_schemas = {"recorded_by": PERSON_SCHEMA}
    filters = {name: Filter(f"{name}_id", "integer") for name in ("me_plan", "activity")}

    def rows(self, user, district):
        if not user.is_authenticated:
            return None
        return SupervisionFinding.objects.filter(me_plan__in=me_plan_queryset(user=user, district=district))


evidence_photos = EvidencePhotoLayer()
findings = FindingLayer()
