"""A search by meaning calls nothing close when nothing is: among ideas all unrelated to the
query some still stand out from the rest, and they are marked as only loosely related, while a
one-word search still finds the ideas it means. Real model, over the demo ideas the search
evaluation uses."""

import json

import pytest
from django.conf import settings
from django.test import Client

from ideas import search as idea_search
from ideas.models import Idea
from matching import embeddings
from matching.search import CLOSE_IN_MEANING, ideas_by_meaning
from matching.search_evaluation import _load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_ideas():
    return _load(json.loads(settings.DEMO_DATA.read_text(encoding="utf-8")))


def _hits(text: str, ideas) -> list[tuple[str, float]]:
    titles = dict(Idea.objects.values_list("pk", "title"))
    searchable = embeddings.matchable_ideas().filter(pk__in=ideas)
    return [(titles[hit.row_id], hit.similarity) for hit in ideas_by_meaning(text=text, ideas=searchable)]


@pytest.mark.parametrize("query", ["zzzzqqq", "우주 로켓 발사"])
def test_nothing_an_unrelated_search_finds_is_called_close(demo_ideas, query):
    assert all(similarity < CLOSE_IN_MEANING for _title, similarity in _hits(query, demo_ideas))


def test_a_related_search_finds_its_ideas_and_calls_them_close(demo_ideas):
    hits = _hits("약 먹는 걸 깜빡해요", demo_ideas)

    assert hits[0][0] == "어머니가 약 드시는 걸 자꾸 잊으세요" and hits[0][1] >= CLOSE_IN_MEANING
    assert "My mother keeps forgetting to take her medicine" in [title for title, _s in hits]


def test_the_list_marks_a_loose_hit_apart_from_a_close_one(demo_ideas, monkeypatch):
    close, loose = Idea.objects.filter(pk__in=demo_ideas).order_by("pk")[:2]
    found = {close.pk: CLOSE_IN_MEANING + 0.1, loose.pk: CLOSE_IN_MEANING - 0.05}
    monkeypatch.setattr(idea_search.ideas_by_meaning, "_search", lambda *, text, client: found)

    html = Client().get("/ideas/", {"q": "zzzzqqq"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    close_card = html[html.index(f'href="/ideas/{close.pk}/"') :].split("</li>")[0]
    loose_card = html[html.index(f'href="/ideas/{loose.pk}/"') :].split("</li>")[0]
    assert "뜻이 비슷한 아이디어" in close_card and "관련성 낮음" not in close_card
    assert "관련성 낮음" in loose_card
    assert html.index(f'href="/ideas/{close.pk}/"') < html.index(f'href="/ideas/{loose.pk}/"')
