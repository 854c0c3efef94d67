"""Ideas found by what a search means, for the idea list's search box: a worker of the "similar"
queue runs this (`tasks.idea_search_lookup`), the web process only waits for its answer
(`lookup.ideas_by_meaning`) and puts the ideas containing the words first (`ideas.selectors`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import F, Min, QuerySet
from pgvector.django import CosineDistance

from ideas.models import Idea

from . import embeddings as stored
from . import encoding
from .models import Embedding, Passage

# A search box takes a few words; a pasted page would only cost the model's time.
QUERY_MAX_CHARS = 200
# Ideas offered by meaning, at most: beyond this many a search no longer narrows anything.
MEANING_HITS_LIMIT = 50
# An idea is offered when its whole text stands this many standard deviations above the searched
# ideas' mean cosine to the query, or its similarity reaches SURELY_RELATED whatever the others
# do. Short queries ("복약", one word) land close to nothing in absolute terms yet still stand out
# from the rest, so standing out is what counts. Set on the labelled searches of
# tests/ideas/data/search_queries.json over the demo ideas: at 1.5 about 2.8 ideas a query are
# offered by meaning and 89% of the relevant ones are among them (53% of those offered are
# relevant); at 1.75, 2.2, 84% and 64%.
STANDS_OUT = 1.5
# With fewer ideas than this the spread says nothing (as in `engine.ranking`): similarity alone.
MIN_POOL_FOR_STANDING_OUT = 8
# The 99th percentile of the similarity of unrelated query-idea pairs on those searches is 0.24.
SURELY_RELATED = 0.25
# Standing out is not enough to be called close: among ideas all unrelated to a query (a typo,
# "우주 로켓 발사") some still stand out from the rest. Such hits are kept (a one-word Korean search,
# "유기견", meets its ideas at 0.10 to 0.15, no closer than unrelated pairs reach) but shown as only
# loosely related below this: the 95th percentile of unrelated query-idea similarity on those
# searches (0.152; the 90th, 0.126, still called "zzzzqqq"'s hits close). Kept out instead, they
# cost recall@10 0.93 → 0.84 on the labelled searches, Korean 0.96 → 0.80.
CLOSE_IN_MEANING = 0.15
# Ideas whose sentences are compared with the query: the nearest by whole text. Every idea's whole
# text is compared (10,000 ideas take about 60 ms); every sentence of 10,000 ideas would take
# 0.4 s more.
SENTENCE_CANDIDATES = 200


@dataclass(frozen=True)
class MeaningHit:
    idea_id: int
    similarity: float  # mean of the whole-text cosine and the best sentence's cosine, as in matching

    def as_dict(self) -> dict:
        return {"idea_id": self.idea_id, "similarity": self.similarity}


def search_text(text: str) -> str:
    return " ".join(text.split())[:QUERY_MAX_CHARS]


def ideas_by_meaning(
    *, text: str, ideas: QuerySet[Idea] | None = None, limit: int = MEANING_HITS_LIMIT
) -> list[MeaningHit]:
    """The ideas (published ones unless `ideas` narrows them) closest in meaning to a search, in
    any language, best first; only those that stand out from the rest. Runs the model: the web
    process asks a worker for it."""
    text = search_text(text)
    if not text:
        return []
    [vector] = encoding.encode([text], kind="query")
    # Every idea is compared, not only the nearest by the index: whether one stands out is judged
    # against all of them.
    rows = list(
        Embedding.objects.filter(
            idea__in=ideas if ideas is not None else stored.matchable_ideas(),
            model_name=encoding.model_name(),
        )
        .annotate(whole=1 - CosineDistance(F("vector"), vector))
        .values_list("pk", "idea_id", "whole")
    )
    if not rows:
        return []
    whole = np.array([row[2] for row in rows], dtype=np.float64)
    stands_out = np.zeros(len(rows), dtype=bool)
    spread = float(whole.std())
    if len(rows) >= MIN_POOL_FOR_STANDING_OUT and spread > 1e-6:
        stands_out = (whole - whole.mean()) / spread >= STANDS_OUT
    nearest = np.argsort(-whole, kind="stable")[:SENTENCE_CANDIDATES]
    # The sentence that says what was searched for weighs as much as the whole idea.
    best_sentence = dict(
        Passage.objects.filter(embedding_id__in=[rows[n][0] for n in nearest])
        .values("embedding_id")
        .annotate(distance=Min(CosineDistance(F("vector"), vector)))
        .values_list("embedding_id", "distance")
    )
    hits = []
    for n in nearest:
        embedding_id, idea_id, _whole = rows[n]
        distance = best_sentence.get(embedding_id)
        similarity = (whole[n] + (whole[n] if distance is None else 1 - distance)) / 2
        if stands_out[n] or similarity >= SURELY_RELATED:
            hits.append(MeaningHit(idea_id=idea_id, similarity=round(float(similarity), 4)))
    hits.sort(key=lambda hit: (-hit.similarity, hit.idea_id))
    return hits[:limit]
