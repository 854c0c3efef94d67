"""Vectors in and out of PostgreSQL in pgvector's binary form.

Through the ORM every vector travels as text: 384 floats printed by Python and parsed by the
server on the way in, and the reverse on the way out. Writing an idea's passages that way took
about 20 ms, a quarter of the model's own work on it; in binary, with one COPY per sweep batch,
about 2 ms. Reading the tens of thousands of vectors of a full refresh as text took seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import psycopg
from django.db import connection, transaction
from pgvector.psycopg.vector import register_vector_info
from psycopg.types import TypeInfo


def _cursor() -> psycopg.Cursor:
    # Django's own cursors bind parameters client-side, which rules out binary transfer.
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _register_vector(cursor: psycopg.Cursor) -> None:
    """Write vectors in binary through this cursor. The type's oid is looked up once per
    connection and kept in its type registry; reads stay raw bytes for `vectors_from_binary`."""
    types = cursor.connection.adapters.types
    info = types.get("vector")
    if info is None:
        info = TypeInfo.fetch(cursor.connection, "vector")
        types.add(info)
    register_vector_info(cursor, info)


def fetch(sql: str, params: Sequence) -> list[tuple]:
    """Rows with vector columns as raw binary values, for `vectors_from_binary`."""
    with _cursor() as cursor:
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()


def fetch_vectors(sql: str, params: Sequence, dim: int) -> dict:
    """{key: vector} from a query selecting (key, vector) rows."""
    rows = fetch(sql, params)
    return dict(
        zip([row[0] for row in rows], vectors_from_binary([row[1] for row in rows], dim), strict=True)
    )


def vectors_from_binary(blobs: list[bytes], dim: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dim), dtype=np.float32)
    # pgvector's binary layout: int16 dimensions, int16 unused, then big-endian float32 values.
    raw = np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(len(blobs), 4 + 4 * dim)
    return raw[:, 4:].copy().view(">f4").astype(np.float32)


def copy_rows(*, table: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence]) -> None:
    """COPY rows straight into a table; `columns` are (name, SQL type), vectors numpy arrays."""
    with _cursor() as cursor:
        _register_vector(cursor)
        names = ", ".join(name for name, _sql_type in columns)
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types([sql_type for _name, sql_type in columns])
            for row in rows:
                copy.write_row(row)


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
