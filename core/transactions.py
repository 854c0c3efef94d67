"""Database work that is measured or tried out, then undone."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run a block in a transaction that is rolled back when it ends, whatever it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
