"""The SQL text of a queryset, for raw statements built around it (layer pages, extents, tiles, clusters).

Django refuses to write SQL for a queryset it knows is empty (`.none()`, `filter(pk__in=[])`): compiling raises
`EmptyResultSet`. An access rule that gives a reader no rows (a commune unit's village meetings,
`accounts.access.meeting_scope`) is such a queryset, and a page, extent or tile of it must be empty, not a 500.
"""
from django.core.exceptions import EmptyResultSet
from django.db.models.sql.where import ExtraWhere, WhereNode


def sql_with_params(queryset):
    """(sql, params) of `queryset`; for a queryset Django knows is empty, the same SELECT with `WHERE FALSE`
    (same columns, no rows)."""
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        query = queryset.query.clone()
        query.where = WhereNode([ExtraWhere(["FALSE"], [])])
        return query.sql_with_params()
