from rest_framework_gis.pagination import GeoJsonPagination


class FeaturePagination(GeoJsonPagination):
    """GeoJSON pages; `page_size` may be raised up to a ceiling so a map can take a whole layer."""

    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 5000
