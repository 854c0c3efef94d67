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
from .models import Embedding

# A search box takes a few words; a pasted page would only cost the model's time.
QUERY_MAX_CHARS = 200
# Ideas offered by meaning, at most: beyond this many a search no longer narrows anything.
MEANING_HITS_LIMIT = 50
# An idea is offered when it stands this many standard deviations above the searched ideas'
# mean similarity to the query, or reaches SURELY_RELATED whatever the others do. Short queries
# ("복약", one word) land close to nothing in absolute terms yet still stand out from the rest, so
# standing out is what counts. Set on the labelled searches of tests/ideas/data/search_queries.json
# over the demo ideas: at 1.75 about 2.5 ideas a query are offered by meaning and 89% of the
# relevant ones are among them; at 2.0, 1.9 and 78%.
STANDS_OUT = 1.75
# With fewer ideas than this the spread says nothing (as in `engine.ranking`): similarity alone.
MIN_POOL_FOR_STANDING_OUT = 8
# The 99th percentile of the similarity of unrelated query-idea pairs on those searches is 0.24.
SURELY_RELATED = 0.25


@dataclass(frozen=True)
class MeaningHit:
    idea_id: int
    similarity: float  # mean of the whole-text cosine and the best passage's cosine

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
    # Every idea is scored, not only the nearest by the index: whether one stands out is judged
    # against all of them. A sentence's cosine is the one passage that says what was searched
    # for; the whole text's weighs the rest of the idea, as the matcher's similarity does.
    rows = list(
        Embedding.objects.filter(
            idea__in=ideas if ideas is not None else stored.matchable_ideas(),
            model_name=encoding.model_name(),
        )
        .annotate(
            whole=1 - CosineDistance(F("vector"), vector),
            best_passage=1 - Min(CosineDistance(F("passages__vector"), vector)),
        )
        .values_list("idea_id", "whole", "best_passage")
    )
    if not rows:
        return []
    # An idea has at least its title as a passage; an embedding without any scores on its whole text.
    similarity = np.array([(whole + (whole if best is None else best)) / 2 for _idea, whole, best in rows])
    offered = similarity >= SURELY_RELATED
    spread = float(similarity.std())
    if len(rows) >= MIN_POOL_FOR_STANDING_OUT and spread > 1e-6:
        offered |= (similarity - similarity.mean()) / spread >= STANDS_OUT
    hits = [
        MeaningHit(idea_id=idea_id, similarity=round(float(score), 4))
        for (idea_id, _whole, _best), score, keep in zip(rows, similarity, offered, strict=True)
        if keep
    ]
    hits.sort(key=lambda hit: (-hit.similarity, hit.idea_id))
    return hits[:limit]
