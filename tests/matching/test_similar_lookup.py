"""The similar-ideas lookup while a citizen types: a worker of the "similar" queue runs the model,
the web process only waits for it, and lookups are capped per client and in total. Real Redis,
real workers, the real model."""

import time

import pytest

from config import celery_app, embedded
from core.semaphore import _redis, concurrency_slots
from matching import encoding, selectors

URL = "/api/v1/ideas/similar/"
CROSSING_DRAFT = {
    "title": "Traffic lights too short for slow walkers",
    "problem": "Old people cannot finish crossing.",
}


@pytest.fixture(autouse=True)
def _no_slots_held():
    """Every test starts with all lookup slots free, whatever the one before left."""
    client = _redis()
    for key in client.scan_iter("semaphore:similar:*"):
        client.delete(key)
    yield


def _held(name: str) -> int:
    return _redis().zcard(f"semaphore:similar:{name}")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_of_the_similar_queue_finds_the_similar_ideas(
    api, catalogue, lookup_worker, settings, monkeypatch
):
    settings.SIMILAR_LOOKUP_WAIT_SECONDS = 30
    model_calls = []
    load = encoding.get_model
    monkeypatch.setattr(encoding, "get_model", lambda: model_calls.append(1) or load())

    response = api().post(URL, CROSSING_DRAFT)

    assert response.status_code == 200, response.content
    assert response.json()[0]["idea"]["title"] == "할머니들이 횡단보도를 다 못 건너세요"
    assert set(response.json()[0]) == {
        "idea",
        "similarity",
        "likely_duplicate",
        "likelihood",
        "likelihood_label",
        "is_own",
        "is_supported",
    }
    # The worker ran the model; the web process never asked for it.
    assert "matching.tasks.similar_ideas_lookup" in lookup_worker.log()
    assert model_calls == []
    assert _held("all") == 0 and _held("address:127.0.0.1") == 0


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_without_a_worker_on_the_similar_queue_the_lookup_answers_503_quickly(api, alice, settings):
    settings.SIMILAR_LOOKUP_WAIT_SECONDS = 0.5
    celery_app.control.purge()

    started = time.monotonic()
    response = api(alice).post(URL, CROSSING_DRAFT)
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["error"] == {
        "code": "unavailable",
        "message": "지금은 비슷한 아이디어를 찾을 수 없습니다.",
        "fields": {},
    }
    assert elapsed < 2
    assert _held("all") == 0 and _held(f"user:{alice.pk}") == 0


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_lookup_answers_503_at_once(api, settings):
    embedded.redis_stop(settings.BASE_DIR, "redis-test")
    try:
        started = time.monotonic()
        response = api().post(URL, CROSSING_DRAFT)
        elapsed = time.monotonic() - started
    finally:
        embedded.redis_url(settings.BASE_DIR, "redis-test")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert elapsed < 2


@pytest.mark.django_db
def test_a_client_with_a_lookup_running_is_answered_429(api, alice, bob, settings):
    settings.SIMILAR_LOOKUP_WAIT_SECONDS = 0.2

    with concurrency_slots({f"similar:user:{alice.pk}": 1}, lease_seconds=30):
        refused = api(alice).post(URL, CROSSING_DRAFT)
        other = api(bob).post(URL, CROSSING_DRAFT)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert refused.json()["error"] == {
        "code": "throttled",
        "message": "비슷한 아이디어를 아직 찾고 있습니다. 잠시 후 다시 시도해 주세요.",
        "fields": {},
    }
    # Someone else is not held back by alice's lookup (no worker here, so theirs times out).
    assert other.status_code == 503
    assert _held(f"user:{alice.pk}") == 0 and _held("all") == 0


@pytest.mark.django_db
def test_a_signed_out_client_is_capped_by_address(api, settings):
    settings.SIMILAR_LOOKUP_WAIT_SECONDS = 0.2

    with concurrency_slots({"similar:address:127.0.0.1": 1}, lease_seconds=30):
        refused = api().post(URL, CROSSING_DRAFT, REMOTE_ADDR="127.0.0.1")
        elsewhere = api().post(URL, CROSSING_DRAFT, REMOTE_ADDR="10.0.0.7")

    assert refused.status_code == 429
    assert elsewhere.status_code == 503


@pytest.mark.django_db
def test_lookups_are_capped_in_total(api, alice, settings):
    settings.SIMILAR_LOOKUP_WAIT_SECONDS = 0.2
    settings.SIMILAR_LOOKUP_CONCURRENCY = 2

    with (
        concurrency_slots({"similar:all": 2}, lease_seconds=30),
        concurrency_slots({"similar:all": 2}, lease_seconds=30),
    ):
        refused = api(alice).post(URL, CROSSING_DRAFT)
    freed = api(alice).post(URL, CROSSING_DRAFT)

    assert refused.status_code == 429
    assert freed.status_code == 503  # a slot again; no worker here to answer
    assert _held("all") == 0


@pytest.mark.django_db
def test_a_slot_whose_holder_died_is_free_when_its_lease_ends(api, alice, settings):
    settings.SIMILAR_LOOKUP_WAIT_SECONDS = 0.2
    # A web process killed mid-lookup never releases its slot.
    _redis().zadd(f"semaphore:similar:user:{alice.pk}", {"killed-request": time.time() - 1})

    response = api(alice).post(URL, CROSSING_DRAFT)

    assert response.status_code == 503
    assert _held(f"user:{alice.pk}") == 0


@pytest.mark.django_db
def test_an_empty_draft_asks_no_worker(api):
    with concurrency_slots({"similar:address:127.0.0.1": 1}, lease_seconds=30):
        response = api().post(URL, {"title": "  ", "problem": ""})

    assert response.status_code == 200
    assert response.json() == []


def test_the_lookup_reads_the_start_of_a_long_draft_only(catalogue):
    start = "Grandmothers cannot finish crossing the street before the walk signal turns red. " * 4
    tail = "My pepper leaves have brown spots every summer and I want a photo diagnosis. " * 60
    assert selectors.SIMILAR_TEXT_CHARS <= len(start) < len(start + tail) <= 5000

    long = selectors.ideas_similar_to(title="Crossing lights", problem=start + tail)
    start_only = selectors.ideas_similar_to(title="Crossing lights", problem=start)

    # The pepper tail, past the characters the lookup reads, changes nothing.
    assert [(c.idea.pk, c.similarity) for c in long] == [(c.idea.pk, c.similarity) for c in start_only]
    assert long[0].idea.title == "할머니들이 횡단보도를 다 못 건너세요"
