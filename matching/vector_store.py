"""Binary vector I/O (`engine.vector_io`) on Django's database connection and transactions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import psycopg
from django.db import connection, transaction

from core import page_cache

from .engine import vector_io
from .engine.vector_io import vectors_from_binary

__all__ = [
    "copy_arrays",
    "copy_rows",
    "copy_then",
    "execute",
    "fetch",
    "fetch_batches",
    "fetch_vectors",
    "vectors_from_binary",
]


def _cursor() -> psycopg.Cursor:
    # Django's own cursors bind parameters client-side, which rules out binary transfer. Nor do
    # they see what this one writes: the writes below tell the page cache themselves.
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def fetch(sql: str, params: Sequence) -> list[tuple]:
    """Rows with vector columns as raw binary values, for `vectors_from_binary`."""
    with _cursor() as cursor:
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()


def fetch_batches(sql: str, params: Sequence, *, size: int) -> Iterator[list[tuple]]:
    """`fetch` a batch of rows at a time: each batch's rows are made Python objects only when
    asked for."""
    with _cursor() as cursor:
        cursor.execute(sql, params, binary=True)
        while rows := cursor.fetchmany(size):
            yield rows


def execute(sql: str, params: Sequence) -> None:
    """A statement with parameters sent in binary: long lists of numbers travel as arrays."""
    with _cursor() as cursor:
        cursor.execute(sql, params, binary=True)
    page_cache.written(sql)


def fetch_vectors(sql: str, params: Sequence, dim: int) -> dict:
    """{key: vector} from a query selecting (key, vector) rows."""
    rows = fetch(sql, params)
    return dict(
        zip([row[0] for row in rows], vectors_from_binary([row[1] for row in rows], dim), strict=True)
    )


def copy_rows(*, table: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence]) -> None:
    with _cursor() as cursor:
        vector_io.copy_rows(cursor, table=table, columns=columns, rows=rows)
    page_cache.copied(table)


def copy_arrays(*, table: str, columns: Sequence[tuple[str, str]], arrays: Sequence) -> None:
    with _cursor() as cursor:
        vector_io.copy_arrays(cursor, table=table, columns=columns, arrays=arrays)
    page_cache.copied(table)


def copy_then(
    *,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence],
    then: str,
    params: Sequence = (),
) -> None:
    """COPY rows into a temporary table named after `table`, then run `then` (which names that
    table as `{staging}`) in the same transaction: staging lets the caller insert with
    ON CONFLICT, which COPY alone cannot do."""
    staging = f"{table}_staging"
    # The staging table empties itself at commit, so the COPY and `then` must share a transaction.
    with transaction.atomic():
        with _cursor() as cursor:
            definition = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {staging} ({definition}) ON COMMIT DELETE ROWS")
            # An enclosing transaction may still hold the rows of an earlier call.
            cursor.execute(f"TRUNCATE {staging}")
        copy_rows(table=staging, columns=columns, rows=rows)
        with _cursor() as cursor:
            cursor.execute(then.format(staging=staging), params)
        page_cache.written(then)
