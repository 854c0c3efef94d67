"""Two real Celery workers placing new ideas at once, on one database: no pair written twice, no
idea counted twice or lost, and the lists a full refresh would write."""

import numpy as np
import pytest

from bench import synthetic_matching as synthetic
from config import celery_app
from matching import services
from matching.models import Match, MatchingRow, MatchingStamp, MatchingState
from tests.accounts.factories import UserFactory
from tests.matching.test_placement_at_scale import _decisions, _from_scratch, _scores
from tests.matching.worker import Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PLACED_TIMEOUT = 240


def test_two_workers_placing_ideas_at_once_write_what_a_full_refresh_writes(tmp_path):
    celery_app.control.purge()
    rng = np.random.default_rng(5)
    centres = synthetic.topics(rng, 20)
    synthetic.write_vectors(synthetic.make_companies(30), rng, centres)
    author = UserFactory()
    synthetic.write_vectors(synthetic.make_ideas(author, 120), rng, centres)
    services.match_refresh_all()
    # Vectors already stored under the ideas' current text: the tasks skip the model and place.
    newcomers = synthetic.make_ideas(author, 40, start=5000)
    synthetic.write_vectors(newcomers, rng, centres)
    newcomer_ids = [idea.pk for idea in newcomers]

    workers = [Worker(tmp_path).start(), Worker(tmp_path).start()]
    try:
        for worker in workers:
            worker.wait_for_log("loaded as the worker started", 120)
        for idea_id in newcomer_ids:
            celery_app.send_task("matching.tasks.embed_idea", args=[idea_id])
        wait_until(
            lambda: (
                MatchingStamp.objects.filter(idea_id__in=newcomer_ids, matched_at__isnull=False).count()
                == len(newcomer_ids)
            ),
            PLACED_TIMEOUT,
            message="every new idea placed",
        )
    finally:
        for worker in workers:
            worker.stop()
        celery_app.control.purge()

    # Both took part.
    for worker in workers:
        assert "matching.tasks.embed_idea" in worker.log() and "succeeded" in worker.log()
    state = MatchingState.objects.get()
    assert state.idea_count == 160 == MatchingRow.objects.count()
    assert not state.needs_full_refresh
    placed, placed_scores = _decisions(), _scores()
    assert len(placed) == Match.objects.count()  # one row per pair (also a database constraint)
    refreshed, refreshed_scores = _from_scratch()
    assert placed == refreshed
    assert max(abs(placed_scores[p] - refreshed_scores[p]) for p in placed_scores) < 1e-6
