"""The reference layers of the geo app itself: the current administrative units (public), one OGC collection per level.

Registered by geo's AppConfig.ready() (`register_admin_unit_layers`) into `geo.layers.registry` as "provinces",
"districts", "communes" and "villages"; `/api/admin-units/?level=` answers any level through `with_level`.
Geometries MultiPolygon, EPSG:4326 lon/lat; ids the GSO codes.
"""
from django.utils.translation import gettext_lazy

from geo import versions
from geo.layers import UNIT_CODE, Filter, Layer, registry


class AdministrativeUnitLayer(Layer):
    """Current administrative units of one level (province, district, commune or village); public reference data."""

    scope = "province"
    table = "public.geo_administrativeunit t LEFT JOIN public.geo_administrativeunit parent ON parent.id = t.parent_id"
    geometry_type = "MultiPolygon"
    id_field = "code"
    id_sql = "t.code"
    id_type = "string"
    id_property = "code"
    name_property = "name"
    amounts = ("population",)
    order = ("code",)
    properties = {
        "code": ("string", "t.code"), "name": ("string", "t.name"), "name_short": ("string", "t.name_short"),
        "slug": ("string", "t.slug"), "unit_type": ("string", "t.unit_type"), "level": ("string", "t.level"),
        "parent": ("string", "parent.code"), "population": ("integer", "t.population"), "area_km2": ("number", "t.area_km2"),
        "is_demo": ("boolean", "t.is_demo"),
    }
    filters = {"parent": Filter("parent__code", description=gettext_lazy("GSO codes of the parent unit"), pattern=UNIT_CODE)}
    bbox_lookup = "geom__intersects"

    def __init__(self, level=None, *, layer_id=None, title="", label=None):
        self.level = level
        self.id = layer_id or "admin-units"
        self.title = title
        self.description = label  # lazy: the request's language
        self.label = label  # the download menu's words, in the page's language; title stays the data's name

    def rows(self, user, district):
        from geo.models import AdministrativeUnit

        units = AdministrativeUnit.objects.filter(is_current=True)
        return units.filter(level=self.level) if self.level else units

    version_scopes = versions.UNITS  # the units and districts: an investment write elsewhere leaves the answers kept

    def shared_key(self):
        return ("administrative-units", self.level)  # the same units for everybody: public reference data

    def with_level(self, level):
        """The same layer over another level (None: every level), for `/api/admin-units/?level=`."""
        return AdministrativeUnitLayer(level, layer_id=self.id, title=self.title, label=self.label)


def register_admin_unit_layers():
    """The four OGC collections of administrative units (called from geo's AppConfig.ready())."""
    for level, layer_id, title, label in (
        ("province", "provinces", "Tỉnh", gettext_lazy("Province")),
        ("district", "districts", "Huyện, thị xã, thành phố", gettext_lazy("Districts, towns and cities")),
        ("commune", "communes", "Xã, phường, thị trấn", gettext_lazy("Communes, wards and townships")),
        ("village", "villages", "Thôn, khu phố", gettext_lazy("Villages and residential groups")),
    ):
        registry.register(AdministrativeUnitLayer(level, layer_id=layer_id, title=title, label=label))


