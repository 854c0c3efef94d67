"""Ideas and companies found by what a search means, for the idea and company lists' search
boxes: a worker of the "similar" queue runs this (`tasks.idea_search_lookup`,
`tasks.company_search_lookup`), the web process only waits for its answer (`lookup`) and puts the
rows containing the words first (`core.meaning_search.words_then_meaning`)."""

from __future__ import annotations

from collections.abc import Callable
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


# Company profiles are fewer, longer and carry one-word tags, which meet any short query (even
# "zzzzqqq") at a similarity real hits reach too, so among companies only standing out counts, and
# a company is called close from this many standard deviations above the rest. Set on 24 searches
# over the demo companies: the best company of a search meaning none ("zzzzqqq", "asdf qwer",
# "hello", "결혼식장 예약", "수영장 운영 시간") stood at most 2.25 above the rest; the company a one-
# or two-word search meant at 2.55 to 3.37 ("고양이", "수어 통역", "전기 요금"), the loosest
# ("홍수", "어르신 돌봄") at 1.6 to 2.05, which are then offered as only loosely related.
COMPANY_CLOSE_STANDING = 2.5


@dataclass(frozen=True)
class MeaningHit:
    row_id: int  # an idea's or a company's, as searched
    similarity: float  # mean of the whole-text cosine and the best sentence's cosine, as in matching
    # Standard deviations the whole text's cosine stands above the searched rows' mean; 0 when
    # there are too few rows to say.
    standing: float

    def as_dict(self) -> dict:
        return {"id": self.row_id, "similarity": self.similarity, "standing": self.standing}


def search_text(text: str) -> str:
    return " ".join(text.split())[:QUERY_MAX_CHARS]


def ideas_by_meaning(
    *, text: str, ideas: QuerySet[Idea] | None = None, limit: int = MEANING_HITS_LIMIT
) -> list[MeaningHit]:
    """The ideas (published ones unless `ideas` narrows them) closest in meaning to a search, in
    any language, best first; only those that stand out from the rest. Runs the model: the web
    process asks a worker for it."""
    return _by_meaning(
        text,
        Embedding.objects.filter(idea__in=ideas if ideas is not None else stored.matchable_ideas()),
        owner="idea_id",
        limit=limit,
        surely_related=SURELY_RELATED,
        closeness=lambda hit: hit.similarity,
    )


def companies_by_meaning(*, text: str, limit: int = MEANING_HITS_LIMIT) -> list[MeaningHit]:
    """The verified companies whose profiles stand out in meaning for a search, in any language,
    best first (COMPANY_CLOSE_STANDING says why standing out alone counts)."""
    return _by_meaning(
        text,
        Embedding.objects.filter(company__in=stored.matchable_companies()),
        owner="company_id",
        limit=limit,
        surely_related=None,
        closeness=lambda hit: hit.standing,
    )


def _by_meaning(
    text: str,
    embeddings: QuerySet[Embedding],
    *,
    owner: str,
    limit: int,
    surely_related: float | None,
    closeness: Callable[[MeaningHit], float],
) -> list[MeaningHit]:
    text = search_text(text)
    if not text:
        return []
    [vector] = encoding.encode([text], kind="query")
    # Every row is compared, not only the nearest by the index: whether one stands out is judged
    # against all of them.
    rows = list(
        embeddings.filter(model_name=encoding.model_name())
        .annotate(whole=1 - CosineDistance(F("vector"), vector))
        .values_list("pk", owner, "whole")
    )
    if not rows:
        return []
    whole = np.array([row[2] for row in rows], dtype=np.float64)
    standing = np.zeros(len(rows))
    spread = float(whole.std())
    if len(rows) >= MIN_POOL_FOR_STANDING_OUT and spread > 1e-6:
        standing = (whole - whole.mean()) / spread
    nearest = np.argsort(-whole, kind="stable")[:SENTENCE_CANDIDATES]
    # The sentence that says what was searched for weighs as much as the whole text.
    best_sentence = dict(
        Passage.objects.filter(embedding_id__in=[rows[n][0] for n in nearest])
        .values("embedding_id")
        .annotate(distance=Min(CosineDistance(F("vector"), vector)))
        .values_list("embedding_id", "distance")
    )
    hits = []
    for n in nearest:
        embedding_id, row_id, _whole = rows[n]
        distance = best_sentence.get(embedding_id)
        similarity = (whole[n] + (whole[n] if distance is None else 1 - distance)) / 2
        if standing[n] >= STANDS_OUT or (surely_related is not None and similarity >= surely_related):
            hits.append(
                MeaningHit(
                    row_id=row_id,
                    similarity=round(float(similarity), 4),
                    standing=round(float(standing[n]), 3),
                )
            )
    hits.sort(key=lambda hit: (-closeness(hit), hit.row_id))
    return hits[:limit]
