"""The similar-ideas lookup as the web process runs it: without the model.

Embedding a draft costs the model's time and a web process holding the model costs its memory,
so the web process hands the draft to a worker consuming the "similar" queue
(`tasks.similar_ideas_lookup`) and waits a short while for the answer. Lookups are capped per
client and in total, so one client typing in several tabs cannot queue up the workers' time.
"""

from __future__ import annotations

import contextlib
import logging

from celery import current_app
from celery.exceptions import TimeoutError as ResultTimeout
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ApplicationError, unavailable
from core.semaphore import SemaphoreUnavailable, concurrency_slots

from . import selectors
from .selectors import DuplicateCandidate

logger = logging.getLogger(__name__)

LOOKUP_TASK = "matching.tasks.similar_ideas_lookup"
# One lookup at a time per client: the page asks again when the citizen types on, so a second
# lookup while the first runs would only be thrown away.
LOOKUPS_PER_CLIENT = 1
# A slot is held while the web process waits for the worker; the margin covers sending the task
# and loading the ideas found, so the slot outlives the request that holds it.
LEASE_MARGIN_SECONDS = 5


def _unavailable() -> ApplicationError:
    return unavailable(_("Similar ideas are unavailable right now."))


def similar_ideas_for_draft(
    *, client: str, title: str = "", problem: str = "", proposal: str = "", limit: int = 5
) -> list[DuplicateCandidate]:
    """Published ideas resembling a draft, found by a worker. `client` names who asks (a user or
    an address) for the per-client cap. Raises `core.semaphore.SlotTaken` when the client or
    everyone together already has as many lookups running as allowed, and an "unavailable"
    ApplicationError when Redis or the workers do not answer in time."""
    draft = selectors.draft_excerpt(title=title, problem=problem, proposal=proposal)
    if not selectors.draft_has_text(**draft):
        return []
    wait = settings.SIMILAR_LOOKUP_WAIT_SECONDS
    limits = {f"similar:{client}": LOOKUPS_PER_CLIENT, "similar:all": settings.SIMILAR_LOOKUP_CONCURRENCY}
    try:
        with concurrency_slots(limits, lease_seconds=wait + LEASE_MARGIN_SECONDS):
            found = _ask_worker(draft=draft, limit=limit, wait=wait)
    except SemaphoreUnavailable as error:
        logger.warning("Similar-ideas lookup refused: Redis did not answer (%s)", error)
        raise _unavailable() from error
    return selectors.similar_candidates(found=found)


def _ask_worker(*, draft: dict[str, str], limit: int, wait: float) -> list[dict]:
    try:
        # Expires when the web process stops waiting, so a worker that falls behind skips the
        # lookups nobody waits for any more instead of working through a backlog of them.
        result = current_app.send_task(LOOKUP_TASK, kwargs={**draft, "limit": limit}, expires=wait)
    except Exception as error:  # the broker is down
        logger.warning("Similar-ideas lookup not sent: the broker did not answer (%s)", error)
        raise _unavailable() from error
    try:
        return result.get(timeout=wait)
    except ResultTimeout as error:
        logger.warning("Similar-ideas lookup %s not answered within %ss", result.id, wait)
        raise _unavailable() from error
    except Exception as error:
        # The task failed (a time limit, a lost worker): the form shows nothing rather than an error.
        logger.exception("Similar-ideas lookup %s failed", result.id)
        raise _unavailable() from error
    finally:
        # The result expires on its own (CELERY_RESULT_EXPIRES) if Redis cannot drop it now.
        with contextlib.suppress(Exception):
            result.forget()
