"""Small helpers for the places that hand a queryset to raw SQL or to a cache key."""

from __future__ import annotations

from django.db.models import QuerySet


def ids_sql(qs: QuerySet) -> tuple[str, tuple]:
    """The SQL (with parameters) selecting the primary keys of ``qs``, unordered.

    Embedded as a subquery in raw SQL, or used in a cache key as the exact scope a figure
    was computed for (two scopes with the same SQL and parameters are the same rows).
    """
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    return sql, tuple(params)
