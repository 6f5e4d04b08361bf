"""The province's all-projects map API: every investment project of every district, clustered at province zoom.

Province staff and superusers only, like every province route (`province.apis.ProvinceOnly`). Reads
`province.ProjectPoint` (public schema), never a district schema.
"""
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from geo.bbox import parse_bbox
from geo.features import parse_zoom
from geo.layers import page_response
from geo.openapi import clusters
from investment.models import ProjectStatus
from province import layers
from province import projects_selectors as selectors
from province.apis import FILTER_PARAMETERS, FilterInput, ProvinceOnly, _params


class ProjectMapInput(FilterInput):
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False, allow_blank=True)


_ZOOM = {"type": "integer", "description": "the zoom the answer was made for"}
# Two shapes by zoom: the projects one page at a time (the layer kit's "all-projects"), or grid clusters.
MAP_SCHEMA = {"oneOf": [
    layers.all_projects.openapi_schema(extra={"mode": {"type": "string", "enum": ["points"]}, "zoom": _ZOOM}),
    clusters("Project clusters", selectors.AMOUNTS, extra={
        "mode": {"type": "string", "enum": ["clusters"]}, "zoom": _ZOOM,
        "count": {"type": "integer", "description": "projects counted, over every cluster"}}),
]}


class ProvinceProjectsApi(ProvinceOnly):
    """GET every district's investment projects as GeoJSON: grid clusters below zoom 12, the projects of the bbox from it on.

    Clusters (`mode: "clusters"`): one point per grid cell (about a quarter of a map tile) with
    `count` and summed `total_investment`, `planned`, `allocated`, `disbursed` (VND); not paginated
    (a few hundred cells at most). Points (`mode: "points"`): one feature per project with its code,
    name, district, communes, sector, sources, status, years, amounts and physical progress,
    paginated (`page`, `page_size` up to 5000, `count`, `next`, `previous`).
    """


    operation_id = "province_projects_map"
    query_parameters = FILTER_PARAMETERS + [
            OpenApiParameter("bbox", OpenApiTypes.STR, description="minLon,minLat,maxLon,maxLat"),
            OpenApiParameter("zoom", OpenApiTypes.INT, description=f"Map zoom 0–22; below {selectors.CLUSTER_BELOW_ZOOM}: clusters"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ProjectStatus.values),
            OpenApiParameter("page", OpenApiTypes.INT), OpenApiParameter("page_size", OpenApiTypes.INT),
        ]
    Output = {(200, "application/geo+json"): MAP_SCHEMA}

    def get(self, request):
        filters = _params(ProjectMapInput, request)
        zoom = parse_zoom(request.query_params.get("zoom"), default=selectors.CLUSTER_BELOW_ZOOM - 4)
        bbox = request.query_params.get("bbox")
        query = {
            "bbox": parse_bbox(bbox) if bbox else None, "year": filters.get("year"), "sector": filters.get("sector", ""),
            "source": filters.get("source", ""), "status": filters.get("status", ""),
        }
        if zoom < selectors.CLUSTER_BELOW_ZOOM:
            count, features = selectors.project_clusters(zoom=zoom, **query)
            head = f'{{"type": "FeatureCollection", "mode": "clusters", "zoom": {zoom}, "count": {count}, "features": ['
            return HttpResponse(head + ",".join(features) + "]}", content_type="application/geo+json")
        filters = {name: str(query[name]) for name in ("year", "sector", "source", "status") if query[name]}
        points = layers.all_projects.filter_rows(layers.all_projects.rows(request.user, None), bbox=bbox or None, filters=filters)
        return page_response(request, layers.all_projects, rows=points, extra={"mode": "points", "zoom": zoom})


def projects_layer_config():
    """What the comparison page's all-projects layer (static/province/js/projects-layer.js) needs: its API, the
    clustering zoom, the status names and its words, in the request's language."""
    return {
        "api": "/api/province/projects/",
        "clusterBelowZoom": selectors.CLUSTER_BELOW_ZOOM,
        "statuses": dict(ProjectStatus.choices),
        "text": {
            "layer": _("Investment projects"), "projects": _("projects"), "status": _("Status"), "allStatuses": _("All statuses"),
            "district": _("District"), "progress": _("Progress"), "total": _("Total investment"), "planned": _("Planned"),
            "allocated": _("Allocated"), "disbursed": _("Disbursed"), "millions": _("million VND"),
            "zoomIn": _("Click or zoom in to see the projects."), "failed": _("The projects layer could not be loaded."),
        },
    }
