"""SQL compiled once per process for queries a page sends on every request."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL


def compiled_annotations(queryset: QuerySet, *names: str, using: str = DEFAULT_DB_ALIAS) -> dict[str, RawSQL]:
    """The annotations `names` of `queryset`, compiled to SQL now, to annotate another query of
    the same model with: compiling a correlated subquery took longer than running it, and
    Django compiles every annotation again each time a query is sent.

    Only for annotations whose subqueries read nothing of the outer query but its own table's
    columns (an OuterRef to the row), in a query that keeps that table's name (its joins are
    not made again under another alias); their parameters are kept as they were."""
    query = queryset.query
    compiler = query.get_compiler(using=using)
    compiled = {}
    for name in names:
        annotation = query.annotations[name]
        sql, params = annotation.select_format(compiler, *compiler.compile(annotation))
        compiled[name] = RawSQL(sql, params, output_field=annotation.output_field)
    return compiled


def with_parameter(compiled: RawSQL, placeholder: object, value: object) -> RawSQL:
    """`compiled` (from `compiled_annotations`) reading `value` wherever it was compiled with
    `placeholder`: a subquery that names its reader, compiled once for a stand-in one."""
    params = [value if param == placeholder else param for param in compiled.params]
    assert params != list(compiled.params), "the placeholder is not among the parameters"
    return RawSQL(compiled.sql, params, output_field=compiled.output_field)


def id_array(ids: list[int]) -> RawSQL:
    """Ids for an `__in` filter as one array parameter: Django took longer to build and bind a
    statement naming ten thousand of them one by one than the database took to answer it."""
    return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
