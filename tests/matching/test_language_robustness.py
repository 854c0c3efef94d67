"""The same profile ranks alike whether its tags are written in Korean or in English, and a Korean
idea and its English translation get the same companies: variants of the labelled development
set (a copy in tests/matching/data), scored through the production pipeline."""

import json
from pathlib import Path

import pytest

from ideas.models import Idea
from matching import selectors
from matching.evaluation import evaluate, matched_dataset, with_tags_translated

DATA = Path(__file__).parent / "data"
TAGS_KO = Path(__file__).resolve().parents[2] / "bench" / "data" / "tags_ko.json"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def dev_set() -> dict:
    return json.loads((DATA / "matching_dev.json").read_text(encoding="utf-8"))


def test_korean_and_english_tags_rank_alike(dev_set):
    translations = json.loads(TAGS_KO.read_text(encoding="utf-8"))
    korean_tags = with_tags_translated(dev_set, translations, language="ko")
    assert korean_tags["companies"] != dev_set["companies"]

    english = evaluate(dev_set)
    korean = evaluate(korean_tags)

    assert abs(english["ndcg_at_5"] - korean["ndcg_at_5"]) <= 0.03
    for language in ("ko", "en"):
        assert (
            abs(english["by_language"][language]["ndcg_at_5"] - korean["by_language"][language]["ndcg_at_5"])
            <= 0.05
        )


def test_an_idea_and_its_translation_get_the_same_best_company(dev_set):
    ideas = {idea["key"]: idea for idea in dev_set["ideas"]}
    translated_pairs = [
        (pair["a"], pair["b"])
        for pair in dev_set["duplicates"]
        if pair["duplicate"] and ideas[pair["a"]]["language"] != ideas[pair["b"]]["language"]
    ]
    assert len(translated_pairs) >= 5

    with matched_dataset(dev_set) as loaded:

        def best(key: str) -> int | None:
            first = selectors.matches_for_idea(idea=loaded[key], include_weak=True).first()
            return first.company_id if first else None

        agreeing = [best(a) == best(b) for a, b in translated_pairs]

    assert sum(agreeing) / len(agreeing) >= 0.8, agreeing
    assert not Idea.objects.exists()
