"""Binary vector I/O (`engine.vector_io`) on Django's database connection and transactions."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import psycopg
from django.db import connection, transaction

from core import page_cache

from .engine import vector_io
from .engine.vector_io import vectors_from_binary

__all__ = [
    "Alongside",
    "alongside",
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
) -> list[tuple]:
    """COPY rows into a temporary table named after `table`, then run `then` (which names that
    table as `{staging}`) in the same transaction: staging lets the caller insert with
    ON CONFLICT, which COPY alone cannot do. Returns the rows `then` returns, if any."""
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
            returned = cursor.fetchall() if cursor.description is not None else []
        page_cache.written(then)
    return returned


class Alongside:
    """Writes run by a thread of their own on this thread's connection, in the order given, once
    `start` is called, while the caller goes on: the database's work on the writes and the
    caller's Python work overlap on two cores. Each statement runs whole (psycopg locks the
    connection for it, the caller's own statements wait their turn) and in the caller's
    transaction."""

    def __init__(self, raw: psycopg.Connection) -> None:
        self._raw = raw
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._failure: BaseException | None = None
        self._abandoned = False
        self._done: list[tuple[str, str]] = []
        self._thread = threading.Thread(target=self._run, name="matching-writes", daemon=True)
        self._started = False

    def execute(self, sql: str, params: Sequence | None = None) -> None:
        """`execute`, in the background."""
        self._jobs.put(("execute", sql, params))

    def copy_arrays(self, *, table: str, columns: Sequence[tuple[str, str]], arrays: Sequence) -> None:
        """`copy_arrays`, in the background."""
        self._jobs.put(("copy", table, (columns, arrays)))

    def start(self) -> None:
        """Run the writes queued so far, and those queued after. Until then they wait: the caller
        may queue them while what they are made of is at hand and still have the connection to
        itself for the reads it needs first."""
        if not self._started:
            self._started = True
            self._thread.start()

    def _run(self) -> None:
        # Only plain psycopg cursors on the caller's connection here: Django's connection object
        # belongs to the thread that opened it, and would open another one (another transaction).
        while (job := self._jobs.get()) is not None:
            if self._failure is not None or self._abandoned:
                continue
            kind, target, arguments = job
            try:
                with psycopg.Cursor(self._raw) as cursor:
                    if kind == "execute":
                        cursor.execute(target, arguments, binary=True)
                    else:
                        columns, arrays = arguments
                        vector_io.copy_arrays(cursor, table=target, columns=columns, arrays=arrays)
                self._done.append((kind, target))
            except BaseException as error:  # raised in the caller's thread by `finish`
                self._failure = error

    def finish(self, *, abandon: bool = False) -> None:
        """Wait for every write (with `abandon`, for the one running, if any: the caller failed
        and its transaction will be rolled back); raise what one raised. The page cache is told of
        the writes here, in the caller's thread, whose transaction it watches."""
        self._abandoned = abandon
        self.start()
        self._jobs.put(None)
        self._thread.join()
        for kind, target in self._done:
            if kind == "execute":
                page_cache.written(target)
            else:
                page_cache.copied(target)
        if self._failure is not None:
            raise self._failure


@contextmanager
def alongside() -> Iterator[Alongside]:
    """An `Alongside` whose writes are all done when the block ends (started then if they were
    not), whether it ends well or not: none may run after its transaction ends. A failed write
    aborts the transaction, and every statement after it fails; the first failure is the one
    raised, the caller's or a write's."""
    connection.ensure_connection()
    writes = Alongside(connection.connection)
    try:
        yield writes
    except BaseException as failure:
        try:
            writes.finish(abandon=True)
        except psycopg.errors.InFailedSqlTransaction:
            # Refused only because the caller's own statement had failed: that is the cause.
            raise failure from None
        raise
    writes.finish()
