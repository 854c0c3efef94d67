"""Vectors in and out of PostgreSQL in pgvector's binary form, over a plain psycopg cursor.

Through the ORM every vector travels as text: 384 floats printed by Python and parsed by the
server on the way in, and the reverse on the way out. Writing an idea's passages that way took
about 20 ms, a quarter of the model's own work on it; in binary, with one COPY per sweep batch,
about 2 ms. Reading the tens of thousands of vectors of a full refresh as text took seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import psycopg
from pgvector.psycopg.vector import register_vector_info
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg.types import TypeInfo


class JsonText(str):
    """A JSON document already serialised, written to a jsonb column as it is. The matcher
    writes tens of thousands of reasons at once, each put together from its passages' texts
    serialised once; `Jsonb` would serialise every document again with `json.dumps`."""


class _JsonTextDumper(Dumper):
    format = Format.BINARY
    oid = psycopg.adapters.types["jsonb"].oid

    def dump(self, obj: JsonText) -> bytes:
        # jsonb's binary form: a version byte, then the document's text.
        return b"\x01" + obj.encode()


def register_vector(cursor: psycopg.Cursor) -> None:
    """Write vectors in binary through this cursor. The type's oid is looked up once per
    connection and kept in its type registry; reads stay raw bytes for `vectors_from_binary`."""
    types = cursor.connection.adapters.types
    info = types.get("vector")
    if info is None:
        info = TypeInfo.fetch(cursor.connection, "vector")
        if info is None:
            raise psycopg.ProgrammingError("vector type not found in the database")
        types.add(info)
    # Typed as taking a connection, but it only registers adapters on what it is given: on the
    # cursor, so the connection's other cursors keep reading vectors as raw bytes.
    register_vector_info(cursor, info)  # type: ignore[arg-type]


def vectors_from_binary(blobs: list[bytes], dim: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dim), dtype=np.float32)
    # pgvector's binary layout: int16 dimensions, int16 unused, then big-endian float32 values,
    # read in place past each header and byte-swapped in one copy (a city's passages weigh
    # over a hundred megabytes, and every extra copy of them shows in a full refresh).
    joined = b"".join(blobs)
    # Read in place, a vector of another length would shift every one after it, not fail.
    if any(len(blob) != 4 + 4 * dim for blob in blobs):
        raise ValueError(f"stored vectors are not all {dim}-long")
    big_endian = np.ndarray((len(blobs), dim), dtype=">f4", buffer=joined, offset=4, strides=(4 + 4 * dim, 4))
    return big_endian.astype(np.float32)


def copy_rows(
    cursor: psycopg.Cursor, *, table: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence]
) -> None:
    """COPY rows straight into a table; `columns` are (name, SQL type), vectors numpy arrays and
    jsonb values `JsonText`."""
    register_vector(cursor)
    cursor.adapters.register_dumper(JsonText, _JsonTextDumper)
    names = ", ".join(name for name, _sql_type in columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types([sql_type for _name, sql_type in columns])
        for row in rows:
            copy.write_row(row)


# PostgreSQL's binary COPY layout of each column type copy_arrays writes.
_BINARY_TYPES = {"bigint": ">i8", "double precision": ">f8", "smallint": ">i2"}
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
_COPY_TRAILER = b"\xff\xff"


def copy_arrays(
    cursor: psycopg.Cursor, *, table: str, columns: Sequence[tuple[str, str]], arrays: Sequence[np.ndarray]
) -> None:
    """COPY equally long numpy columns (no NULLs) into a table in one binary buffer built by numpy:
    a few hundred thousand rows in a fraction of the time of writing them row by row."""
    count = len(arrays[0]) if arrays else 0
    if count == 0:
        return
    layout = [("fields", ">i2")]
    for n, (_name, sql_type) in enumerate(columns):
        layout += [(f"length{n}", ">i4"), (f"value{n}", _BINARY_TYPES[sql_type])]
    rows = np.empty(count, dtype=np.dtype(layout))
    rows["fields"] = len(columns)
    for n, ((_name, sql_type), values) in enumerate(zip(columns, arrays, strict=True)):
        rows[f"length{n}"] = np.dtype(_BINARY_TYPES[sql_type]).itemsize
        rows[f"value{n}"] = values
    names = ", ".join(name for name, _sql_type in columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.write(_COPY_HEADER + rows.tobytes() + _COPY_TRAILER)
