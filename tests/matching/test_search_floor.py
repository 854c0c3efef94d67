"""A search by meaning offers nothing "close in meaning" when nothing is: among ideas all
unrelated to the query some still stand out from the rest, and a floor keeps them out. Real
model, over the demo ideas the search evaluation uses."""

import json

import pytest
from django.conf import settings

from ideas.models import Idea
from matching import embeddings
from matching.search import ideas_by_meaning
from matching.search_evaluation import _load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_ideas():
    return _load(json.loads(settings.DEMO_DATA.read_text(encoding="utf-8")))


def _found(text: str, ideas) -> list[str]:
    titles = dict(Idea.objects.values_list("pk", "title"))
    searchable = embeddings.matchable_ideas().filter(pk__in=ideas)
    return [titles[hit.idea_id] for hit in ideas_by_meaning(text=text, ideas=searchable)]


@pytest.mark.parametrize("query", ["zzzzqqq", "우주 로켓 발사"])
def test_an_unrelated_search_finds_nothing_by_meaning(demo_ideas, query):
    assert _found(query, demo_ideas) == []


def test_a_related_search_still_finds_its_ideas_by_meaning(demo_ideas):
    found = _found("약 먹는 걸 깜빡해요", demo_ideas)

    assert found[0] == "어머니가 약 드시는 걸 자꾸 잊으세요"
    assert "My mother keeps forgetting to take her medicine" in found
