"""`{% download_menu "proposals" "village-meetings" %}`: a "Download" menu on a map page, one link per layer and format.
Keyword arguments are the layers' filters, added to every link (`{% download_menu "public-plan-works" plan=plan.pk %}`:
the works of the plan the page shows); every map page offers its layers (tests/geo/test_download_menu.py walks them).

Each layer is named by its `label` (a lazy translation: the page's language) when it has one, else its `title`
(the data's own Vietnamese name, which the files keep). Only the layers the signed-in user may read here are offered
(`Layer.readable`, the rule the download route
applies); the links go to `…/api/downloads/<layer>.<fmt>` (geo.downloads) under the page's district or the
province. Plain links: no script, so it works under the page's CSP and without JavaScript.
"""
from urllib.parse import urlencode

from django import template

from geo.exports import FORMATS
from geo.layers import registry

register = template.Library()

LABELS = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "shp": "Shapefile (.zip)", "kml": "KML (Google Earth)", "csv": "CSV",
          "xlsx": "Excel"}


@register.inclusion_tag("geo/download_menu.html", takes_context=True)
def download_menu(context, *layer_ids, **filters):
    request = context.get("request")
    user = getattr(request, "user", None)
    tenant = getattr(request, "tenant", None)
    district = None if tenant is None or tenant.schema_name == "public" else tenant
    base = f"/d/{district.slug}/api/downloads/" if district is not None else "/api/downloads/"
    query = ("?" + urlencode(filters)) if filters else ""
    layers = []
    if user is not None:  # anonymous callers too: each layer's rows() decides (published proposals, public units)
        for layer_id in layer_ids:
            try:
                layer = registry.get(layer_id)
            except KeyError:
                continue
            if (layer.scope == "district") == (district is not None) and layer.readable(user, district):
                layers.append({"id": layer.id, "title": getattr(layer, "label", None) or layer.title or layer.id,
                               "links": [(LABELS[fmt], f"{base}{layer.id}.{fmt}{query}") for fmt in FORMATS]})
    return {"layers": layers}
