"""Searching the idea list by meaning: the matcher scores every published idea against what was
typed, in any language, and a worker of the "similar" queue does it for the web process. Real
model; the last test runs a real worker on real Redis."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from ideas.models import Idea, IdeaStatus
from matching import encoding, services
from matching.search import ideas_by_meaning
from tests.ideas.factories import IdeaFactory
from tests.matching.conftest import IDEAS, make_idea

QUERIES = Path(__file__).resolve().parents[1] / "ideas" / "data" / "search_queries.json"
STRAY_DOGS = IDEAS["dogs"][0]
CLOSE_IN_MEANING_KO = "뜻이 비슷한 아이디어"


def _found(text: str) -> list[str]:
    titles = dict(Idea.objects.values_list("pk", "title"))
    return [titles[hit.row_id] for hit in ideas_by_meaning(text=text)]


@pytest.mark.django_db
def test_a_korean_search_finds_the_english_idea_that_means_it(catalogue):
    assert _found("유기견 구조")[0] == STRAY_DOGS
    # Only what stands out from the rest: nothing else in the catalogue is about dogs.
    assert _found("떠돌이 개") == [STRAY_DOGS]


@pytest.mark.django_db
def test_only_published_ideas_are_searched_by_meaning(catalogue):
    hidden = make_idea("dogs")
    unpublished = make_idea("dogs", status=IdeaStatus.SUBMITTED)
    for idea in (hidden, unpublished):
        services.embedding_refresh_for_idea(idea_id=idea.pk)
    Idea.objects.filter(pk=hidden.pk).update(is_hidden=True)

    found = {hit.row_id for hit in ideas_by_meaning(text="stray dogs")}

    assert catalogue["ideas"]["dogs"].pk in found
    assert hidden.pk not in found and unpublished.pk not in found


@pytest.mark.django_db
def test_the_labelled_searches_find_more_with_meaning_than_with_words_alone():
    out = StringIO()
    call_command("evaluate_search", str(QUERIES), "--json", stdout=out)
    result = json.loads(out.getvalue())

    assert result["queries"] >= 20 and result["ideas"] > result["public_ideas"] > 0
    before, after = result["before"], result["after"]
    assert after["recall_at_10"] > before["recall_at_10"]
    for language in ("ko", "en"):
        by_language = after["by_language"][language], before["by_language"][language]
        assert by_language[0]["recall_at_10"] > by_language[1]["recall_at_10"]
    # Words still come first: what words alone found on the first page is still there.
    for row in result["per_query"]:
        assert row["after"]["recall"] >= row["before"]["recall"], row["query"]
    # Meaning narrows, it does not list every idea.
    assert after["results_per_query"] < result["public_ideas"] / 4


def test_the_command_refuses_a_search_labelled_with_an_idea_the_demo_does_not_have(tmp_path):
    path = tmp_path / "queries.json"
    path.write_text(json.dumps({"queries": [{"query": "버스", "relevant": ["없는 아이디어"]}]}))

    with pytest.raises(Exception, match="없는 아이디어"):
        call_command("evaluate_search", str(path))


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_of_the_similar_queue_searches_by_meaning_for_the_idea_list(
    api, client, alice, catalogue, lookup_worker, settings, monkeypatch
):
    settings.SEARCH_BY_MEANING_WAIT_SECONDS = 30
    model_calls = []
    load = encoding.get_model
    monkeypatch.setattr(encoding, "get_model", lambda: model_calls.append(1) or load())
    hidden = make_idea("dogs")
    services.embedding_refresh_for_idea(idea_id=hidden.pk)
    Idea.objects.filter(pk=hidden.pk).update(is_hidden=True)
    own_draft = IdeaFactory(title="유기견 구조 봉사", status=IdeaStatus.SUBMITTED, author=alice)

    response = api().get("/api/v1/ideas/", {"q": "유기견 구조"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["search"]["by_meaning"] is True and body["search"]["notice"] == ""
    results = {row["id"]: row["title"] for row in body["results"]}
    assert STRAY_DOGS in results.values()
    assert hidden.pk not in results and own_draft.pk not in results
    # Her own idea has the word: for its author it comes first.
    assert api(alice).get("/api/v1/ideas/", {"q": "유기견 구조"}).json()["results"][0]["id"] == own_draft.pk

    page = client.get("/ideas/", {"q": "떠돌이 개"})
    html = page.content.decode()
    assert page.status_code == 200
    assert STRAY_DOGS in html and CLOSE_IN_MEANING_KO in html
    # The worker ran the model; the web process never asked for it.
    assert "matching.tasks.idea_search_lookup" in lookup_worker.log()
    assert model_calls == []
