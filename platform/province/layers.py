"""The province's layers, declared once in `geo.layers` (scope "province", served at /ogc/ and the province API):
"investment-distribution-districts" / "investment-distribution-communes" (Đ9 rollup: investment per unit, with the
chosen measure and its colour class) and "all-projects" (every investment project of every district, from
`province.ProjectPoint`). Province staff and superusers only (`accounts.access.can_compare_province`).
"""
import json

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError

from accounts.access import can_compare_province
from core.models import CapitalSource, Sector
from geo.bbox import parse_bbox
from geo.layers import MAX_INTEGER, UNIT_CODE, Filter, Layer, LayerNotReadable
from investment.models import ProjectStatus
from province import selectors
from province.models import ProjectPoint

FEATURES_MARK = ', "features" : ['


def _year(rows, years):
    return rows.filter(Q(*[Q(start_year__lte=y, end_year__gte=y) for y in years], _connector=Q.OR))


def _source(rows, sources):
    return rows.filter(Q(*[Q(sources__contains=[s]) for s in sources], _connector=Q.OR))


class AllProjectsLayer(Layer):
    id = "all-projects"
    title = "Dự án đầu tư công toàn tỉnh"
    label = gettext_lazy("Public-investment projects of the whole province")  # the download menu's words, in the page's language; title stays the data's name
    description = gettext_lazy("Every investment project of every district, at a point (Decision 07/2015 Đ9 rollup), EPSG:4326.")
    scope = "province"
    table = "province_projectpoint t LEFT JOIN public.geo_administrativeunit d ON d.code = t.district_code"
    id_field = "pk"
    id_sql = "t.district_code || '-' || t.project_id"  # fits the OGC item route ([\w.-]+), unlike "/"
    id_type = "string"
    name_property = "name"
    amounts = ("total_investment", "planned", "allocated", "disbursed")
    geometry_type = "Point"
    order = ("district_code", "code", "id")
    properties = {
        "id": ("string", "t.district_code || '-' || t.project_id"), "cluster": ("boolean", "false"), "project_id": ("integer", "t.project_id"), "code": ("string", "t.code"), "name": ("string", "t.name"),
        "district": ("string", "t.district_code"), "district_name": ("string", "d.name"), "commune": ("string", "t.commune_code"),
        "communes": ("array", "to_json(t.communes)"), "sector": ("string", "t.sector"), "sources": ("array", "to_json(t.sources)"),
        "status": ("string", "t.status"), "start_year": ("integer", "t.start_year"), "end_year": ("integer", "t.end_year"),
        "total_investment": ("integer", "t.total_investment"), "planned": ("integer", "t.planned"), "allocated": ("integer", "t.allocated"),
        "disbursed": ("integer", "t.disbursed"), "physical_progress": ("integer", "t.physical_progress"),
    }
    filters = {
        "year": Filter(apply=_year, type="integer", description=gettext_lazy("projects running in this year")),
        "sector": Filter("sector", choices=tuple(Sector.values)),
        "source": Filter(apply=_source, choices=tuple(CapitalSource.values)),
        "status": Filter("status", choices=tuple(ProjectStatus.values)),
        "district": Filter("district_code", description=gettext_lazy("GSO codes of districts"), pattern=UNIT_CODE),
    }

    def rows(self, user, district):
        return ProjectPoint.objects.all() if can_compare_province(user) else None

    def get(self, user, district, feature_id):
        """A project by its id `<district code>-<project id>` (the older `<district code>/<project id>` too); None when absent."""
        code, _dash, project = str(feature_id).replace("/", "-").partition("-")
        rows = self.rows(user, district)
        if rows is None or not project.isdigit() or int(project) > MAX_INTEGER:
            return None
        text, _matched, _returned = self.page(rows.filter(district_code=code, project_id=int(project)), limit=1, offset=0)
        return text or None


class DistributionLayer(Layer):
    """Investment per district or commune; its SQL (province.selectors) also writes the legend, so `query` takes the
    features out of the collection that SQL wrote (a text slice, never a parse)."""

    scope = "province"
    geometry_type = "MultiPolygon"
    id_field = "code"
    id_type = "string"
    id_property = "code"
    name_property = "name"
    amounts = ("total_investment", "planned", "allocated", "disbursed", "project_count", "population", "per_resident", "per_km2")
    properties = {
        "code": ("string", ""), "name": ("string", ""), "district": ("string", ""), "total_investment": ("integer", ""),
        "planned": ("integer", ""), "allocated": ("integer", ""), "disbursed": ("integer", ""), "project_count": ("integer", ""),
        "progress": ("number", ""), "population": ("integer", ""), "area_km2": ("number", ""), "per_resident": ("integer", ""),
        "per_km2": ("integer", ""), "value": ("number", ""), "class": ("integer", ""), "refreshed_at": ("datetime", ""),
    }
    # One value each (`split=False`), as the legacy route /api/province/investment-distribution/ takes them: a comma list
    # is a 400 naming the filter on every route of the layer (OGC items, tiles, downloads), never its first value alone.
    filters = {
        "year": Filter(type="integer", split=False, description=gettext_lazy("investment of the projects running in this year")),
        "sector": Filter(choices=tuple(Sector.values), split=False), "source": Filter(choices=tuple(CapitalSource.values), split=False),
        "measure": Filter(choices=selectors.MEASURES, split=False, description=gettext_lazy("the measure `value` and `class` follow")),
        "province": Filter(description=gettext_lazy("a province's GSO code: only its units"), pattern=UNIT_CODE, split=False),
        "classification": Filter(choices=selectors.CLASSIFICATIONS, split=False,
                                 description=gettext_lazy("how the colour classes are cut: quantiles or Fisher-Jenks natural breaks (zero always alone)")),
    }

    def openapi_schema(self, envelope="page", extra=None):
        """The collection with what its SQL writes beside the features: the filters applied, when the figures were
        refreshed (the newest and the oldest unit's), the `classification` and the `legend` (class `breaks`, per `classes` its colour,
        bounds and number of units, and the units with `no_data`)."""
        number, text = {"type": "number", "nullable": True}, {"type": "string", "nullable": True}
        instant = {"type": "string", "format": "date-time", "nullable": True}
        legend = {"type": "object", "nullable": True, "properties": {
            "breaks": {"type": "array", "nullable": True, "items": {"type": "number"}},
            "classes": {"type": "array", "items": {"type": "object", "required": ["class", "colour", "min", "max", "count"], "properties": {
                "class": {"type": "integer"}, "colour": {"type": "string"}, "min": number, "max": number, "count": {"type": "integer"}}}},
            "no_data": {"type": "object", "properties": {"colour": {"type": "string"}, "count": {"type": "integer"}}},
        }}
        head = {"level": {"type": "string", "enum": ["district", "commune"]}, "year": {"type": "integer", "nullable": True},
                "classification": {"type": "string", "enum": list(selectors.CLASSIFICATIONS)},
                "sector": text, "source": text, "measure": {"type": "string"}, "refreshed_at": instant,
                "oldest_refresh": instant, "legend": legend}
        return super().openapi_schema(envelope, extra={**head, **(extra or {})})

    def __init__(self, level):
        self.level = level
        self.id = f"investment-distribution-{level}s"
        self.title = {"district": "Phân bổ đầu tư theo huyện", "commune": "Phân bổ đầu tư theo xã"}[level]
        # the download menu's words, in the page's language; title stays the data's name
        self.label = {"district": gettext_lazy("Investment by district"), "commune": gettext_lazy("Investment by commune")}[level]
        self.description = {"district": gettext_lazy("Public investment per district (Decision 07/2015 Đ9 rollup), EPSG:4326."),
                            "commune": gettext_lazy("Public investment per commune (Decision 07/2015 Đ9 rollup), EPSG:4326.")}[level]

    def rows(self, user, district):
        return ProjectPoint.objects.none() if can_compare_province(user) else None

    def arguments(self, *, bbox=None, filters=None):
        """The selector's keyword arguments from the layer's filters (each validated, one value each: a 400 naming it)."""
        for name in filters or {}:
            if name not in self.filters:
                raise ValidationError({name: [_("%(name)s is not a filter of this layer.") % {"name": name}]})
        one = {name: self.filters[name].one(name, text) for name, text in (filters or {}).items()}
        return {"level": self.level, "year": one.get("year"), "sector": one.get("sector") or "", "source": one.get("source") or "",
                "measure": one.get("measure") or "total_investment", "province": one.get("province") or "",
                "classification": one.get("classification") or "quantiles",
                "bbox": (parse_bbox(bbox) if isinstance(bbox, str) else tuple(bbox)) if bbox else None}

    def query(self, user, district, *, bbox=None, filters=None, limit=100, offset=0, datetime=None):
        if self.rows(user, district) is None:
            raise LayerNotReadable(self.id)
        if datetime:
            raise ValidationError({"datetime": [_("This layer has no dates to filter on.")]})
        count, text = selectors.investment_distribution_page(**self.arguments(bbox=bbox, filters=filters), limit=limit, offset=offset)
        count = int(count)  # a numeric sum in SQL: Decimal, which json.dumps refuses
        features = text[text.index(FEATURES_MARK) + len(FEATURES_MARK): -2]
        returned = max(0, min(limit if limit is not None else count, count - offset))
        return features, count, returned

    def get(self, user, district, feature_id):
        """One unit: the whole level's layer is read and its feature picked (the unit's class needs every unit anyway)."""
        if self.rows(user, district) is None:
            return None
        count, text = selectors.investment_distribution_page(**self.arguments(), limit=None, offset=0)
        for feature in json.loads(text)["features"]:
            if feature["properties"]["code"] == str(feature_id):
                return json.dumps(feature, ensure_ascii=False)
        return None

    def spatial_extent(self, user, district):
        return None


all_projects = AllProjectsLayer()
district_distribution = DistributionLayer("district")
commune_distribution = DistributionLayer("commune")
