"""The lookups people wait for, as the web process runs them: without the model.

Embedding a draft or a search costs the model's time and a web process holding the model costs
its memory, so the web process hands the text to a worker consuming the "similar" queue
(`tasks.similar_ideas_lookup`, `tasks.idea_search_lookup`, `tasks.company_search_lookup`) and
waits a short while for the answer. Lookups are capped per client and in total, so one client
typing in several tabs cannot queue up the workers' time.
"""

from __future__ import annotations

import contextlib
import logging

from celery import current_app
from celery.exceptions import TimeoutError as ResultTimeout
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.errors import ApplicationError, unavailable
from core.meaning_search import MeaningSearchUnavailable
from core.semaphore import SemaphoreUnavailable, SlotTaken, concurrency_slots
from core.throttling import CACHE_UNAVAILABLE

from . import selectors
from .search import search_text
from .selectors import DuplicateCandidate

logger = logging.getLogger(__name__)

LOOKUP_TASK = "matching.tasks.similar_ideas_lookup"
IDEA_SEARCH_TASK = "matching.tasks.idea_search_lookup"
COMPANY_SEARCH_TASK = "matching.tasks.company_search_lookup"
# One lookup at a time per client: the page asks again when the citizen types on, so a second
# lookup while the first runs would only be thrown away.
LOOKUPS_PER_CLIENT = 1
# A slot is held while the web process waits for the worker; the margin covers sending the task
# and loading the ideas found, so the slot outlives the request that holds it.
LEASE_MARGIN_SECONDS = 5
# Searches per client at once: a second tab may search while the first does; beyond that a
# search goes by words alone.
SEARCHES_PER_CLIENT = 2
# Set while searches skip the workers after one went unanswered (SEARCH_BY_MEANING_PAUSE_SECONDS).
SEARCH_PAUSED_KEY = "search-by-meaning:paused"


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
            found = _ask_worker(LOOKUP_TASK, {**draft, "limit": limit}, wait=wait)
    except SemaphoreUnavailable as error:
        logger.warning("Similar-ideas lookup refused: Redis did not answer (%s)", error)
        raise _unavailable() from error
    return selectors.similar_candidates(found=found)


def ideas_by_meaning(*, text: str, client: str) -> dict[int, float]:
    """{idea id: similarity} of the published ideas close in meaning to a search, best first,
    found by a worker (`search.ideas_by_meaning`); the idea list's search asks for it through
    `ideas.search`. Raises MeaningSearchUnavailable as `_by_meaning` says."""
    return _by_meaning(IDEA_SEARCH_TASK, text=text, client=client, score="similarity")


def companies_by_meaning(*, text: str, client: str) -> dict[int, float]:
    """{company id: standing} of the verified companies that stand out in meaning for a search
    (`search.companies_by_meaning`, whose scale `search.COMPANY_CLOSE_STANDING` is), found by a
    worker, for the company list's search (`companies.search`)."""
    return _by_meaning(COMPANY_SEARCH_TASK, text=text, client=client, score="standing")


def _by_meaning(task: str, *, text: str, client: str, score: str) -> dict[int, float]:
    """Raises MeaningSearchUnavailable when Redis or the workers do not answer in time or the
    client or everyone already has as many lookups running as allowed; once a search went
    unanswered, at once for SEARCH_BY_MEANING_PAUSE_SECONDS."""
    text = search_text(text)
    if not text:
        return {}
    if _search_paused():
        raise MeaningSearchUnavailable("paused after a search went unanswered")
    wait = settings.SEARCH_BY_MEANING_WAIT_SECONDS
    # The total is shared with the similar-ideas lookups: both take the same workers' time. The
    # per-client cap counts both lists' searches together.
    limits = {f"search:{client}": SEARCHES_PER_CLIENT, "similar:all": settings.SIMILAR_LOOKUP_CONCURRENCY}
    try:
        with concurrency_slots(limits, lease_seconds=wait + LEASE_MARGIN_SECONDS):
            found = _ask_worker(task, {"text": text}, wait=wait)
    except SlotTaken as error:
        raise MeaningSearchUnavailable("as many lookups running as allowed") from error
    except SemaphoreUnavailable as error:
        logger.warning("Search by meaning skipped: Redis did not answer (%s)", error)
        raise MeaningSearchUnavailable("Redis did not answer") from error
    except ApplicationError as error:
        _pause_search()
        raise MeaningSearchUnavailable("no worker answered") from error
    try:
        return {row["id"]: row[score] for row in found}
    except (KeyError, TypeError) as error:
        # A worker of another release answered in another shape (during a rolling deploy).
        raise MeaningSearchUnavailable("the worker's answer had another shape") from error


def _search_paused() -> bool:
    try:
        return bool(cache.get(SEARCH_PAUSED_KEY))
    except CACHE_UNAVAILABLE:
        return False


def _pause_search() -> None:
    with contextlib.suppress(*CACHE_UNAVAILABLE):
        cache.set(SEARCH_PAUSED_KEY, True, timeout=settings.SEARCH_BY_MEANING_PAUSE_SECONDS)


def _ask_worker(task: str, kwargs: dict, *, wait: float) -> list[dict]:
    try:
        # Expires when the web process stops waiting, so a worker that falls behind skips the
        # lookups nobody waits for any more instead of working through a backlog of them.
        result = current_app.send_task(task, kwargs=kwargs, expires=wait)
    except Exception as error:  # the broker is down
        logger.warning("%s not sent: the broker did not answer (%s)", task, error)
        raise _unavailable() from error
    try:
        return result.get(timeout=wait)
    except ResultTimeout as error:
        logger.warning("%s %s not answered within %ss", task, result.id, wait)
        raise _unavailable() from error
    except Exception as error:
        # The task failed (a time limit, a lost worker): the page shows less rather than an error.
        logger.exception("%s %s failed", task, result.id)
        raise _unavailable() from error
    finally:
        # The result expires on its own (CELERY_RESULT_EXPIRES) if Redis cannot drop it now.
        with contextlib.suppress(Exception):
            result.forget()
