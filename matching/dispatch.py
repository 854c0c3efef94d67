"""Enqueue matching work after the transaction that changed an idea or company commits.

Ideas and companies call these, so this module imports nothing of the matcher: tasks are sent by
name. Enqueueing never fails the request: if the broker is unreachable the row is already saved,
and the periodic sweep embeds and matches it once the broker is back.
"""

import logging

from celery import current_app
from django.core.cache import cache
from django.db import transaction

from core.throttling import CACHE_UNAVAILABLE

logger = logging.getLogger(__name__)


def _send(task_name: str, *args: int) -> None:
    try:
        # By name, through the task's signature rather than `send_task`: the task, registered in
        # every process (`MatchingConfig.ready`), then sends itself as `delay` would, under the
        # app's settings, `task_always_eager` and its ignored result included (`send_task` heeds
        # neither: work meant to run at once would be left on the broker, never run). A name that
        # finds no task falls back to `send_task`, which ignore_result=True still guards: without
        # it the result backend (kept for the similar-ideas lookup) would open a subscription, in
        # the request, to a result that never comes.
        current_app.signature(task_name, args=args).apply_async(ignore_result=True)
    except Exception:  # the broker is down; the sweep will pick the row up
        logger.warning(
            "Could not enqueue %s%s; the periodic sweep will retry.", task_name, args, exc_info=True
        )


def _send_on_commit(task_name: str, *args: int) -> None:
    transaction.on_commit(lambda: _send(task_name, *args))


def idea_changed(idea_id: int) -> None:
    _send_on_commit("matching.tasks.embed_idea", idea_id)


def idea_visibility_changed(idea_id: int) -> None:
    _send_on_commit("matching.tasks.refresh_idea_matches", idea_id)


def idea_deleted(idea_id: int) -> None:
    """Its author deleted it, and its rows of the matcher went with it."""
    _send_on_commit("matching.tasks.forget_deleted_idea", idea_id)


def company_changed(company_id: int) -> None:
    _send_on_commit("matching.tasks.embed_company", company_id)


def company_visibility_changed() -> None:
    _send_on_commit("matching.tasks.refresh_all_matches")


# Set while a full refresh asked for by a taken-back answer waits in the queue; the task clears
# it as it starts, so an answer taken back during a refresh asks for the next one.
REFRESH_QUEUED_KEY = "matching:refresh-all-queued"
REFRESH_QUEUED_SECONDS = 300


def feedback_taken_back() -> None:
    """A company put a "not a fit" back among its suggestions: a full refresh ranks the pair again
    (its answer moved the company's feedback term for every idea), soon rather than at the next
    sweep. One waiting refresh serves every answer taken back before it starts: a member clicking
    back and forth queues one, not one per click."""
    try:
        first = cache.add(REFRESH_QUEUED_KEY, True, timeout=REFRESH_QUEUED_SECONDS)
    except CACHE_UNAVAILABLE:
        first = True  # without Redis no task is sent either; the sweep ranks it
    if first:
        _send_on_commit("matching.tasks.refresh_all_matches")
