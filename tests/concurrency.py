"""Two requests at once, as the database sees them: the first holds its transaction open while the
second starts, so a test can see whether the second waits for the first (a lock) or goes ahead
(none). For tests marked `django_db(transaction=True)`: each runs on a connection of its own."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from core.errors import ApplicationError


@dataclass
class AtOnce:
    refusals: list[ApplicationError] = field(default_factory=list)  # what the service refused
    errors: list[BaseException] = field(default_factory=list)  # anything else: a failed test
    meanwhile: Any = None  # what `meanwhile` returned, with the first still open


def second_while_first_is_open(
    first: Callable[[], Any],
    second: Callable[[], Any],
    *,
    second_is_waiting: Callable[[], bool] | None = None,
    meanwhile: Callable[[], Any] | None = None,
) -> AtOnce:
    """Run `first` in a transaction kept open, then `second` in another thread; once `second` is
    seen waiting (`second_is_waiting`, asked until it says so, for at most 10 s; without it, 1 s
    is given) or has finished, run `meanwhile` in this thread, then let `first` commit."""
    outcome = AtOnce()
    first_done, first_may_commit = threading.Event(), threading.Event()

    def in_thread(run: Callable[[], Any]) -> threading.Thread:
        def target() -> None:
            try:
                run()
            except ApplicationError as error:
                outcome.refusals.append(error)
            except BaseException as error:  # noqa: BLE001 - reported by the test
                outcome.errors.append(error)
            finally:
                connection.close()

        return threading.Thread(target=target)

    def held_open() -> None:
        with transaction.atomic():
            first()
            first_done.set()
            first_may_commit.wait(timeout=10)

    one = in_thread(held_open)
    one.start()
    assert first_done.wait(timeout=10), "the first did not finish its work"
    two = in_thread(second)
    two.start()
    if second_is_waiting is None:
        two.join(timeout=1)  # it waits for the first's lock, or it went ahead without one
    else:
        deadline = time.monotonic() + 10
        while two.is_alive() and not second_is_waiting() and time.monotonic() < deadline:
            time.sleep(0.05)
    if meanwhile is not None:
        outcome.meanwhile = meanwhile()
    first_may_commit.set()
    one.join(timeout=10)
    two.join(timeout=10)
    return outcome
