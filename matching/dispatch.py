"""Enqueue matching work after the transaction that changed an idea or company commits.

Enqueueing never fails the request: if the broker is unreachable the row is already saved, and
the periodic sweep embeds and matches it once the broker is back.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def _send(task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:  # the broker is down; the sweep will pick the row up
        logger.warning(
            "Could not enqueue %s%s; the periodic sweep will retry.", task.name, args, exc_info=True
        )


def idea_changed(idea_id: int) -> None:
    from .tasks import embed_idea

    transaction.on_commit(lambda: _send(embed_idea, idea_id))


def idea_visibility_changed(idea_id: int) -> None:
    from .tasks import refresh_idea_matches

    transaction.on_commit(lambda: _send(refresh_idea_matches, idea_id))


def company_changed(company_id: int) -> None:
    from .tasks import embed_company

    transaction.on_commit(lambda: _send(embed_company, company_id))


def company_visibility_changed() -> None:
    from .tasks import refresh_all_matches

    transaction.on_commit(lambda: _send(refresh_all_matches))
