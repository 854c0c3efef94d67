"""The matcher as deployed: API → transaction.on_commit → Redis → a real Celery worker → the
real model → PostgreSQL + pgvector. Nothing here is mocked."""

import time

import pytest
from django.conf import settings

from config import celery_app, embedded
from ideas.models import Idea
from matching.models import Embedding, Match
from tests.companies.factories import CompanyFactory
from tests.matching.conftest import COMPANIES, IDEAS
from tests.matching.worker import Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MATCH_TIMEOUT = 120


@pytest.fixture
def workers(tmp_path):
    celery_app.control.purge()
    started: list[Worker] = []

    def start(**kwargs) -> Worker:
        worker = Worker(tmp_path, **kwargs).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    celery_app.control.purge()


@pytest.fixture
def live_catalogue(carol):
    companies = {key: CompanyFactory(**COMPANIES[key]) for key in COMPANIES}
    companies["farm"].memberships.create(user=carol, role="owner")
    return companies


def _submit_and_publish(api, author, staff_user, key: str) -> int:
    title, problem, proposal, category, _language = IDEAS[key]
    created = api(author).post(
        "/api/v1/ideas/",
        {
            "title": title,
            "problem": problem,
            "proposal": proposal,
            "category": category,
            "district": "buk_gu",
        },
    )
    assert created.status_code == 201, created.content
    idea_id = created.json()["id"]
    assert api(staff_user).post(f"/api/v1/ideas/{idea_id}/publish/").status_code == 200
    return idea_id


def _matches(api, idea_id: int):
    body = api().get(f"/api/v1/ideas/{idea_id}/matches/").json()
    return body["results"] if body["state"] == "done" and body["results"] else None


def test_a_submitted_idea_gets_ranked_matches_with_reasons(api, alice, staff_user, live_catalogue, workers):
    workers()
    celery_app.send_task("matching.tasks.matching_sweep")  # the periodic sweep embeds the catalogue
    wait_until(
        lambda: Embedding.objects.filter(company__isnull=False).count() == len(COMPANIES),
        MATCH_TIMEOUT,
        message="company embeddings",
    )

    started = time.monotonic()
    idea_id = _submit_and_publish(api, alice, staff_user, "pills")
    matches = wait_until(lambda: _matches(api, idea_id), MATCH_TIMEOUT, message="matches")
    print(f"\nmatched {time.monotonic() - started:.1f}s after publishing")

    assert matches[0]["company"]["slug"] == "gyeote-care"
    assert matches[0]["reason"]["text"]
    assert Idea.objects.get(pk=idea_id).status == "matched"


def test_a_profile_edit_changes_the_company_matches(api, alice, carol, staff_user, live_catalogue, workers):
    workers()
    celery_app.send_task("matching.tasks.matching_sweep")
    idea_ids = [_submit_and_publish(api, alice, staff_user, key) for key in ("pills", "underpass", "leaves")]
    for idea_id in idea_ids:
        wait_until(lambda idea_id=idea_id: _matches(api, idea_id), MATCH_TIMEOUT, message="matches")
    farm = live_catalogue["farm"]

    def top_idea():
        rows = api(carol).get(f"/api/v1/companies/{farm.slug}/matches/").json()["results"]
        return rows[0]["idea"]["id"] if rows else None

    assert top_idea() == idea_ids[2]
    edited = api(carol).patch(
        f"/api/v1/companies/{farm.slug}/",
        {
            "summary": "침수 위험을 미리 알리는 수위 센서",
            "description": "지하차도에 물이 차기 전에 차량 진입을 막습니다.",
            "technologies": ["water-level sensors", "flood warning"],
            "domains": ["flood"],
        },
    )
    assert edited.status_code == 200

    wait_until(
        lambda: top_idea() == idea_ids[1],
        MATCH_TIMEOUT,
        message="the farm's matches to follow its new profile",
    )


def test_a_not_a_fit_taken_back_is_ranked_again_without_waiting_for_the_sweep(
    api, alice, carol, staff_user, live_catalogue, workers
):
    workers()
    celery_app.send_task("matching.tasks.matching_sweep")
    idea_id = _submit_and_publish(api, alice, staff_user, "leaves")
    wait_until(lambda: _matches(api, idea_id), MATCH_TIMEOUT, message="matches")
    match = Match.objects.get(idea_id=idea_id, company=live_catalogue["farm"])
    assert match.rank_for_company is not None

    for answer in ("dismissed", "suggested"):
        response = api(carol).post(f"/api/v1/matches/{match.pk}/feedback/", {"status": answer})
        assert response.status_code == 200, response.content
    assert Match.objects.get(pk=match.pk).rank_for_company is None

    # No sweep runs here (no beat): the answer's own refresh ranks it again.
    wait_until(
        lambda: Match.objects.get(pk=match.pk).rank_for_company is not None,
        MATCH_TIMEOUT,
        message="the pair ranked again",
    )
    assert Match.objects.get(pk=match.pk).status == "suggested"


def test_killing_the_worker_mid_task_loses_nothing(api, alice, staff_user, live_catalogue, workers, tmp_path):
    first = workers()
    celery_app.send_task("matching.tasks.matching_sweep")
    wait_until(
        lambda: Embedding.objects.filter(company__isnull=False).count() == len(COMPANIES),
        MATCH_TIMEOUT,
        message="company embeddings",
    )

    idea_id = _submit_and_publish(api, alice, staff_user, "leaves")
    first.wait_for_log("matching.tasks.embed_idea", timeout=30)
    first.kill()
    assert not Embedding.objects.filter(idea_id=idea_id).exists() or _matches(api, idea_id) is None

    workers()
    matches = wait_until(lambda: _matches(api, idea_id), MATCH_TIMEOUT, message="matches after the restart")
    assert matches[0]["company"]["slug"] == "fieldsight"


def test_an_idea_saved_while_redis_is_down_is_matched_when_it_returns(
    api, alice, staff_user, live_catalogue, workers, caplog
):
    embedded.redis_stop(settings.BASE_DIR, "redis-test")
    try:
        idea_id = _submit_and_publish(api, alice, staff_user, "underpass")
    finally:
        embedded.redis_url(settings.BASE_DIR, "redis-test")

    assert Idea.objects.filter(pk=idea_id, status="published").exists()
    assert "the periodic sweep will retry" in caplog.text

    workers(beat=True, extra_env={"MATCHING_SWEEP_SECONDS": "3"})
    matches = wait_until(lambda: _matches(api, idea_id), MATCH_TIMEOUT, message="matches from the sweep")
    assert matches[0]["company"]["slug"] == "mulbit"
