"""Background matching. Tasks take ids, load rows through services, and are safe to run twice."""

import logging

from celery import shared_task

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
    from .services import embedding_refresh_for_idea, match_refresh_for_idea

    embedding_refresh_for_idea(idea_id=idea_id)
    match_refresh_for_idea(idea_id=idea_id)


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
def refresh_all_matches() -> int:
    """A company's visibility changed (verified or not) but not its text."""
    from .services import match_refresh_all

    return match_refresh_all()


@shared_task(**RETRY)
def matching_sweep() -> dict:
    """Re-embed whatever is missing or stale and refresh every match.

    Runs periodically (celery beat) so a row saved while the broker was unreachable is still
    matched once it is back.
    """
    from .services import matching_sweep as sweep

    return sweep()


@shared_task
def matching_catch_up() -> dict | None:
    """Run often by celery beat: sweep at once if changes were missed (see the service), and tell
    the health check that a worker is answering."""
    from core.health import worker_heartbeat_record

    from .services import matching_catch_up as catch_up

    worker_heartbeat_record()
    return catch_up()
