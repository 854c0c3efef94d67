"""Background matching. Tasks take ids, load rows through services, and are safe to run twice."""

import contextlib
import logging
from typing import Any

from celery import shared_task
from celery.signals import worker_process_init
from django.core.cache import cache

from core.throttling import CACHE_UNAVAILABLE

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}


@shared_task(**RETRY)
def embed_idea(idea_id: int) -> None:
    from .services import idea_embed_and_place

    idea_embed_and_place(idea_id=idea_id)


@shared_task(**RETRY)
def embed_company(company_id: int) -> None:
    from .services import embedding_refresh_for_company, match_refresh_for_company

    _embedding, changed = embedding_refresh_for_company(company_id=company_id)
    if changed:
        match_refresh_for_company(company_id=company_id)


@shared_task(**RETRY)
def refresh_idea_matches(idea_id: int) -> None:
    """An idea's visibility changed (published, hidden, merged) but not its text."""
    from .services import match_refresh_for_idea

    match_refresh_for_idea(idea_id=idea_id)


@shared_task(**RETRY)
def forget_deleted_idea(idea_id: int) -> int | None:
    """Its author deleted the idea: its rows are gone, and its id is only for the logs."""
    from .services import match_refresh_after_idea_deleted

    return match_refresh_after_idea_deleted()


@shared_task(**RETRY)
def refresh_all_matches() -> int:
    """A company's visibility changed (verified or not) but not its text, or a company took back
    an answer (`dispatch.feedback_taken_back`)."""
    from .dispatch import REFRESH_QUEUED_KEY
    from .services import match_refresh_all

    # Cleared before the refresh reads the answers: one taken back from now on may be read too
    # late for this refresh, so it asks for another.
    with contextlib.suppress(*CACHE_UNAVAILABLE):
        cache.delete(REFRESH_QUEUED_KEY)
    return match_refresh_all()


@shared_task(**RETRY)
def matching_sweep() -> dict:
    """Re-embed whatever is missing or stale and refresh every match.

    Runs periodically (celery beat) so a row saved while the broker was unreachable is still
    matched once it is back.
    """
    from .services import matching_sweep as sweep

    return sweep()


# Seconds. A lookup of the bounded draft takes well under one; past these it is stuck, and its
# citizen has long stopped waiting (the web process waits SIMILAR_LOOKUP_WAIT_SECONDS).
LOOKUP_SOFT_TIME_LIMIT = 5
LOOKUP_TIME_LIMIT = 10
# The lookups people wait for (routed to the "similar" queue by CELERY_TASK_ROUTES): their answer
# is kept for the web process; acknowledged on receipt and never retried, since a lookup lost with
# its worker is not worth redoing: the citizen has typed on and the page asks again.
LOOKUP = {
    "ignore_result": False,
    "acks_late": False,
    "soft_time_limit": LOOKUP_SOFT_TIME_LIMIT,
    "time_limit": LOOKUP_TIME_LIMIT,
}


@shared_task(**LOOKUP)
def similar_ideas_lookup(title: str, problem: str, proposal: str, limit: int) -> list[dict]:
    """Published ideas resembling a draft, for the form a citizen is typing in: runs the model
    here so the web process never does (routed to the "similar" queue by CELERY_TASK_ROUTES)."""
    from .selectors import ideas_similar_to

    found = ideas_similar_to(title=title, problem=problem, proposal=proposal, limit=limit)
    return [candidate.as_dict() for candidate in found]


@shared_task(**LOOKUP)
def idea_search_lookup(text: str) -> list[dict]:
    """Published ideas close in meaning to what someone typed in the idea list's search box, for
    the web process, which never runs the model (routed to the "similar" queue by
    CELERY_TASK_ROUTES)."""
    from .search import ideas_by_meaning

    return [hit.as_dict() for hit in ideas_by_meaning(text=text)]


@shared_task(**LOOKUP)
def company_search_lookup(text: str) -> list[dict]:
    """Verified companies whose profiles are close in meaning to what someone typed in the
    company list's search box; as `idea_search_lookup`, on the "similar" queue."""
    from .search import companies_by_meaning

    return [hit.as_dict() for hit in companies_by_meaning(text=text)]


@worker_process_init.connect
def load_model_as_the_worker_starts(**_kwargs: Any) -> None:
    """Every worker process loads the model once as it starts, before its first task needs it: a
    similar-ideas lookup loading it first would take longer than the web process waits.
    CELERY_WORKER_PROC_ALIVE_TIMEOUT gives it the time."""
    from .encoding import get_model, model_name

    get_model()
    logger.info("Model %s loaded as the worker started", model_name())


@shared_task
def matching_catch_up() -> dict | None:
    """Run often by celery beat: sweep at once if changes were missed (see the service), and tell
    the health check that a worker is answering."""
    from core.health import worker_heartbeat_record

    from .services import matching_catch_up as catch_up

    worker_heartbeat_record()
    return catch_up()
