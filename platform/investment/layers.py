"""The district's investment layers (Đ5 step 1, Đ6, Đ8–9), declared once in `geo.layers` for the map routes and the OGC API:
"investment-projects", "review-notes" (decisions and pinned notes) and "plan-items" (the works of the communes' current drafts).

Rows come through `accounts.access` scopes; none of them is published to anonymous callers.
"""
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from accounts import access
from accounts.events import PERSON_SCHEMA, person_sql
from core.models import CapitalSource, Sector
from geo.bbox import bbox_polygon
from geo.layers import UNIT_CODE, Filter, Layer, moment_sql
from investment import selectors
from investment.models import Allocation, InvestmentProject, ProjectSource, ProjectStatus, Review


def _served(model):
    def apply(rows, codes):
        return rows.filter(pk__in=model.objects.filter(communes__code__in=codes).values("pk"))
    return apply


def _with_source(rows, sources):
    return rows.filter(Exists(ProjectSource.objects.filter(project=OuterRef("pk"), source__in=sources)))


def _allocated(field):
    def apply(rows, values):
        return rows.filter(Exists(Allocation.objects.filter(project=OuterRef("pk"), **{f"{field}__in": values})))
    return apply


class ProjectLayer(Layer):
    id = "investment-projects"
    title = "Dự án đầu tư công"
    label = gettext_lazy("Public-investment projects")  # the download menu's words, in the page's language; title stays the data's name
    description = gettext_lazy("Public investment projects of the district (Decision 07/2015 Đ5–Đ9), EPSG:4326.")
    table = "investment_investmentproject t"
    order = ("code", "id")
    bbox_lookup = "geom__intersects"
    datetime_field = "decision_date"
    name_property = "name"
    amounts = ("total_investment",)
    properties = {
        "id": ("integer", "t.id"), "code": ("string", "t.code"), "name": ("string", "t.name"), "investor": ("string", "t.investor"),
        "manager": ("string", "t.manager"), "sector": ("string", "t.sector"), "group": ("string", 't."group"'),
        "status": ("string", "t.status"), "total_investment": ("integer", "t.total_investment"),
        "start_year": ("integer", "t.start_year"), "end_year": ("integer", "t.end_year"),
        "decision_number": ("string", "t.decision_number"), "decision_date": ("date", "t.decision_date"),
        "physical_progress": ("number", "t.physical_progress"),
        "communes": ("array", "(SELECT coalesce(json_agg(u.code ORDER BY u.code), '[]'::json) FROM investment_investmentproject_communes pc "
                              "JOIN geo_administrativeunit u ON u.id = pc.administrativeunit_id WHERE pc.investmentproject_id = t.id)"),
        "sources": ("array", "(SELECT coalesce(json_agg(s.source ORDER BY s.amount DESC), '[]'::json) FROM investment_projectsource s "
                             "WHERE s.project_id = t.id)"),
        "review": ("string", "(SELECT r.decision FROM investment_review r WHERE r.project_id = t.id AND r.decision <> '' "
                             "ORDER BY r.created_at DESC, r.id DESC LIMIT 1)"),
    }
    filters = {
        "status": Filter("status", choices=tuple(ProjectStatus.values), description=gettext_lazy("comma-separated status codes")),
        "sector": Filter("sector", choices=tuple(Sector.values), description=gettext_lazy("comma-separated sector codes")),
        "source": Filter(apply=_with_source, choices=tuple(CapitalSource.values), description=gettext_lazy("comma-separated capital source codes")),
        "commune": Filter(apply=_served(InvestmentProject), description=gettext_lazy("GSO codes of communes served"), pattern=UNIT_CODE),
        "year": Filter(apply=_allocated("year"), type="integer", description=gettext_lazy("projects with an allocation in this year")),
        "plan": Filter(apply=_allocated("plan_id"), type="integer", description=gettext_lazy("projects with an allocation in this plan")),
    }

    def rows(self, user, district):
        if not user.is_authenticated:
            return None
        return access.project_scope(user, district, InvestmentProject.objects.all())

    def filter_rows(self, rows, *, bbox=None, filters=None, datetime=None):
        """`year` and `plan` together match ONE allocation of that year in that plan (as the project list always
        did), not an allocation of the year and another of the plan; each alone as declared."""
        filters = dict(filters or {})
        if filters.get("year") and filters.get("plan"):
            years = self.filters["year"].values("year", filters.pop("year"))
            plans = self.filters["plan"].values("plan", filters.pop("plan"))
            rows = rows.filter(Exists(Allocation.objects.filter(project=OuterRef("pk"), year__in=years, plan_id__in=plans)))
        return super().filter_rows(rows, bbox=bbox, filters=filters, datetime=datetime)


def _review_kind(rows, text):
    if text == "decision":
        return rows.exclude(decision="")
    if text == "note":
        return rows.filter(decision="")
    from django.utils.translation import gettext as _
    from rest_framework.exceptions import ValidationError

    raise ValidationError({"kind": [_("kind is decision or note.")]})


def _review_bbox(rows, box):
    return rows.filter(Q(location__intersects=box) | Q(location__isnull=True, project__geom__intersects=box)
                       | Q(location__isnull=True, plan_item__geom__intersects=box))


class ReviewLayer(Layer):
    id = "review-notes"
    title = "Ý kiến thẩm định"
    label = gettext_lazy("Review comments")  # the download menu's words, in the page's language; title stays the data's name
    description = gettext_lazy("The district's review decisions and pinned notes on projects and commune plan works, EPSG:4326.")
    table = ("investment_review t LEFT JOIN investment_investmentproject p ON p.id = t.project_id "
             "LEFT JOIN plans_planitem i ON i.id = t.plan_item_id JOIN accounts_user a ON a.id = t.author_id")
    geometry_sql = "coalesce(t.location, ST_PointOnSurface(p.geom), ST_PointOnSurface(i.geom))"
    geometry_type = "Point"
    order = ("-created_at", "-id")
    datetime_field = "created_at"
    name_property = "project_name"
    properties = {
        "id": ("integer", "t.id"), "kind": ("string", "CASE WHEN t.decision = '' THEN 'note' ELSE 'decision' END"),
        "decision": ("string", "t.decision"), "comment": ("string", "t.comment"), "pinned": ("boolean", "t.location IS NOT NULL"),
        "project": ("integer", "t.project_id"), "project_code": ("string", "p.code"), "project_name": ("string", "p.name"),
        "plan_item": ("integer", "t.plan_item_id"), "plan_item_title": ("string", "nullif(t.plan_item_title, '')"),
        "author": ("object", person_sql("a")),
        "created_at": ("datetime", "t.created_at"),
        "communes": ("array", "(SELECT coalesce(json_agg(u.code ORDER BY u.code), '[]'::json) FROM investment_review_communes rc "
                              "JOIN geo_administrativeunit u ON u.id = rc.administrativeunit_id WHERE rc.review_id = t.id)"),
        "answers": ("array", "(SELECT coalesce(json_agg(json_build_object('text', x.text, "
                             f"'author', {person_sql('xa')}, "
                             f"'created_at', {moment_sql('x.created_at')}) "
                             "ORDER BY x.created_at, x.id), '[]'::json) FROM investment_reviewanswer x "
                             "JOIN accounts_user xa ON xa.id = x.author_id WHERE x.review_id = t.id)"),
    }
    property_schemas = {"author": PERSON_SCHEMA, "answers": {"type": "array", "items": {
        "type": "object", "properties": {"text": {"type": "string"}, "author": PERSON_SCHEMA, "created_at": {"type": "string", "format": "date-time"}}}}}
    filters = {
        "project": Filter("project_id", "integer"), "plan_item": Filter("plan_item_id", "integer"),
        "kind": Filter(apply=_review_kind, split=False, choices=("decision", "note"), description=gettext_lazy("decision or note")),
        "commune": Filter(apply=_served(Review), description=gettext_lazy("GSO codes of communes concerned"), pattern=UNIT_CODE),
    }

    def rows(self, user, district):
        if not user.is_authenticated:
            return None
        return selectors.review_queryset(user=user, district=district)

    def filter_rows(self, rows, *, bbox=None, filters=None, datetime=None):
        """A pinned note meets the bbox at its pin, a decision at its project or plan item."""
        rows = super().filter_rows(rows, filters=filters, datetime=datetime)
        return _review_bbox(rows, bbox_polygon(bbox if isinstance(bbox, str) else ",".join(map(str, bbox)))) if bbox else rows


class DraftPlanItemLayer(Layer):
    id = "plan-items"
    title = "Công trình trong dự thảo kế hoạch xã"
    label = gettext_lazy("Works in the communes' draft plans")  # the download menu's words, in the page's language; title stays the data's name
    description = gettext_lazy("Works (with a cost and a place) of the communes' current draft plans, for the district's review, EPSG:4326.")
    table = ("plans_planitem t JOIN plans_communeplan cp ON cp.id = t.plan_id JOIN plans_plancycle c ON c.id = cp.cycle_id "
             "JOIN geo_administrativeunit u ON u.id = c.commune_id")
    order = ("plan__cycle__commune__code", "order", "id")
    bbox_lookup = "geom__intersects"
    amounts = ("estimated_cost",)
    properties = {
        "id": ("integer", "t.id"), "title": ("string", "t.title"), "sector": ("string", "t.sector"),
        "estimated_cost": ("integer", "t.estimated_cost"), "funding": ("object", "t.funding"),
        "commune": ("string", "u.code"), "commune_name": ("string", "u.name"), "plan": ("integer", "cp.id"),
        "version": ("integer", "cp.number"), "plan_kind": ("string", "cp.kind"), "plan_status": ("string", "cp.status"),
        "plan_year": ("integer", "c.plan_year"),
        "proposals": ("integer", "(SELECT count(*) FROM plans_planitem_proposals pp WHERE pp.planitem_id = t.id)"),
        "projects": ("integer", "(SELECT count(*) FROM investment_investmentproject_plan_items x WHERE x.planitem_id = t.id)"),
        "review": ("string", "(SELECT r.decision FROM investment_review r WHERE r.plan_item_lineage = t.lineage AND r.decision <> '' "
                             "ORDER BY r.created_at DESC, r.id DESC LIMIT 1)"),
    }
    filters = {
        "plan_year": Filter("plan__cycle__plan_year", "integer"),
        "commune": Filter("plan__cycle__commune__code", description=gettext_lazy("GSO codes"), pattern=UNIT_CODE),
        "sector": Filter("sector", choices=tuple(Sector.values), description=gettext_lazy("comma-separated sector codes")),
    }

    def rows(self, user, district):
        if not user.is_authenticated:
            return None
        return selectors.draft_item_queryset(user=user, district=district)


projects = ProjectLayer()
reviews = ReviewLayer()
plan_items = DraftPlanItemLayer()
