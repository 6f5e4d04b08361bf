"""Tile routes, included under /tiles/ by the province and the district URL configurations."""
from django.urls import path, re_path

from geo import tile_apis

urlpatterns = [
    path("", tile_apis.TileListApi.as_view(), name="tiles"),
    re_path(r"^(?P<name>[a-z0-9-]+)\.json$", tile_apis.TileJsonApi.as_view(), name="tilejson"),
    re_path(r"^(?P<name>[a-z0-9-]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.pbf$", tile_apis.TileDataApi.as_view(), name="tile"),
]
