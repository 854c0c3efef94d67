"""A full refresh scores the ideas while it reads them, a part at a time: the scores and the
loaded ideas are exactly those of reading everything first and scoring it at once."""

import numpy as np
import pytest

from bench import synthetic_matching as synthetic
from ideas.models import Idea
from matching import embeddings
from matching.embeddings import load_companies, load_ideas, load_ideas_scored
from matching.engine import ranking
from matching.models import Embedding
from tests.accounts.factories import UserFactory


def _side(rng: np.random.Generator, counts: list[int]) -> ranking.Side:
    passages = rng.normal(size=(sum(counts), 16)).astype(np.float32)
    return ranking.Side(
        doc=rng.normal(size=(len(counts), 16)).astype(np.float32),
        passages=passages,
        offsets=np.concatenate([[0], np.cumsum(counts)]).astype(int),
        offset=rng.normal(size=len(counts)) * 0.01,
    )


@pytest.mark.parametrize("parts", [1, 2, 7, 40])
def test_passages_given_in_parts_score_as_given_at_once(monkeypatch, parts):
    # Chunks of a few passages, some ideas longer than a chunk: every way a part can end.
    monkeypatch.setattr(ranking, "CHUNK_PASSAGES", 9)
    rng = np.random.default_rng(parts)
    ideas = _side(rng, rng.integers(1, 14, size=60).tolist())
    companies = _side(rng, rng.integers(1, 6, size=11).tolist())
    expected = ranking.similarity(ideas, companies)

    max_sim = ranking.MaxSimSums(companies, ideas.size)
    cuts = np.unique(np.concatenate([[0], rng.integers(0, len(ideas.passages), size=parts - 1)]))
    cuts = np.append(cuts, len(ideas.passages))
    starts = ideas.offsets[:-1]
    for begin, end in zip(cuts[:-1], cuts[1:], strict=True):
        max_sim.add(ideas.passages[begin:end], starts[(starts >= begin) & (starts < end)])
    assert np.array_equal(ranking.similarity(ideas, companies, max_sim), expected)


@pytest.mark.django_db
def test_ideas_scored_as_read_are_those_read_then_scored(monkeypatch):
    monkeypatch.setattr(embeddings, "IDEAS_PER_READ", 7)
    monkeypatch.setattr(embeddings, "PASSAGE_BATCH", 10)
    rng = np.random.default_rng(5)
    centres = synthetic.topics(rng, 6)
    ideas = synthetic.make_ideas(UserFactory(), 30)
    synthetic.write_vectors(ideas, rng, centres)
    synthetic.write_vectors(synthetic.make_companies(9), rng, centres)
    # Ideas embedded again have newer embeddings than later ideas: read in the ideas' order all
    # the same. One is embedded again with no passages, and is left out as `load_ideas` leaves it.
    Embedding.objects.filter(idea__in=ideas[3:6]).delete()
    synthetic.write_vectors(list(Idea.objects.filter(pk__in=[i.pk for i in ideas[3:6]])), rng, centres)
    Embedding.objects.filter(idea=ideas[10]).first().passages.all().delete()
    companies = load_companies()

    expected = load_ideas()
    loaded, similarity = load_ideas_scored(companies)

    assert len(loaded.owner_ids) == 29
    assert loaded.owner_ids == expected.owner_ids
    assert [e.pk for e in loaded.embeddings] == [e.pk for e in expected.embeddings]
    assert loaded.texts == expected.texts and loaded.side.fields == expected.side.fields
    for name in ("doc", "passages", "offsets", "offset"):
        assert np.array_equal(getattr(loaded.side, name), getattr(expected.side, name)), name
    assert np.array_equal(similarity, ranking.similarity(expected.side, companies.side))
