"""Scoring idea–company pairs from their vectors: pure numpy, shared by the live matcher, the
evaluation command and the benchmark.

Three views of a pair are each standardised per company over all ideas, then averaged:

- whole-text cosine (idea as a query, profile as a passage);
- passage max-sim: each idea sentence takes its best-matching profile passage, averaged over the
  idea's sentences, so one relevant line of a long profile is not drowned by the rest;
- the same restricted to the profile's technologies and domains, the vocabulary in which a company
  says what it can do.

Standardising per company removes "hub" profiles whose generic wording sits close to every idea
(a smart-city platform, a marketing tool): what counts is how much closer an idea is to this company
than the other ideas are. Measured on the development set with `evaluate_matching`: whole-text
cosine alone reaches nDCG@5 0.67, the fused and standardised score 0.86.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Below this many ideas the per-company spread is too noisy to standardise by.
MIN_POOL_FOR_STANDARDISING = 8
# How far feedback moves a score, in the same standardised units as the views.
FEEDBACK_WEIGHT = 0.5
# Rows of idea passages scored against all company passages at once; bounds memory.
CHUNK_PASSAGES = 4096


@dataclass
class Side:
    """Documents of one kind with their passages, passages contiguous per document."""

    doc: np.ndarray  # (n, dim)
    passages: np.ndarray  # (p, dim)
    offsets: np.ndarray  # (n + 1,) start of each document's passages
    fields: list[str] = field(default_factory=list)  # one per passage

    @property
    def size(self) -> int:
        return self.doc.shape[0]

    def passage_range(self, index: int) -> slice:
        return slice(int(self.offsets[index]), int(self.offsets[index + 1]))


@dataclass
class Views:
    doc: np.ndarray  # (ideas, companies)
    passages: np.ndarray
    tags: np.ndarray


@dataclass
class ColumnStats:
    mean: np.ndarray  # (3, companies): doc, passages, tags
    std: np.ndarray

    def as_rows(self) -> list[dict]:
        return [
            {"mean": self.mean[:, j].tolist(), "std": self.std[:, j].tolist()}
            for j in range(self.mean.shape[1])
        ]

    @classmethod
    def from_rows(cls, rows: list[dict]) -> ColumnStats:
        return cls(
            mean=np.array([row["mean"] for row in rows], dtype=np.float64).T,
            std=np.array([row["std"] for row in rows], dtype=np.float64).T,
        )


def _segment_max(matrix: np.ndarray, starts: np.ndarray, axis: int) -> np.ndarray:
    return np.maximum.reduceat(matrix, starts, axis=axis)


def views(ideas: Side, companies: Side, tag_fields: tuple[str, ...]) -> Views:
    """The three similarity views for every idea × company pair."""
    n_ideas, n_companies = ideas.size, companies.size
    doc = ideas.doc @ companies.doc.T
    passages = np.zeros((n_ideas, n_companies), dtype=np.float32)
    tags = np.zeros((n_ideas, n_companies), dtype=np.float32)
    if n_ideas == 0 or n_companies == 0:
        return Views(doc, passages, tags)

    company_starts = companies.offsets[:-1]
    is_tag = np.array([f in tag_fields for f in companies.fields], dtype=bool)
    tag_columns = np.flatnonzero(is_tag)
    tag_owner = np.searchsorted(companies.offsets, tag_columns, side="right") - 1
    has_tags = np.zeros(n_companies, dtype=bool)
    has_tags[tag_owner] = True
    tag_starts = np.searchsorted(tag_owner, np.flatnonzero(has_tags))

    idea_lengths = np.diff(ideas.offsets)
    sums_all = np.zeros((n_ideas, n_companies), dtype=np.float64)
    sums_tag = np.zeros((n_ideas, n_companies), dtype=np.float64)
    first_idea = 0
    while first_idea < n_ideas:
        # Whole ideas per chunk so every idea's passages are reduced together.
        last_idea = (
            int(np.searchsorted(ideas.offsets, ideas.offsets[first_idea] + CHUNK_PASSAGES, "right")) - 1
        )
        last_idea = min(max(last_idea, first_idea + 1), n_ideas)
        rows = slice(int(ideas.offsets[first_idea]), int(ideas.offsets[last_idea]))
        similarity = ideas.passages[rows] @ companies.passages.T
        best_all = _segment_max(similarity, company_starts, axis=1)
        local_starts = ideas.offsets[first_idea:last_idea] - ideas.offsets[first_idea]
        sums_all[first_idea:last_idea] = np.add.reduceat(best_all, local_starts, axis=0)
        if tag_columns.size:
            best_tag = _segment_max(similarity[:, tag_columns], tag_starts, axis=1)
            sums_tag[first_idea:last_idea, has_tags] = np.add.reduceat(best_tag, local_starts, axis=0)
        first_idea = last_idea

    passages = (sums_all / idea_lengths[:, None]).astype(np.float32)
    tags = (sums_tag / idea_lengths[:, None]).astype(np.float32)
    # A profile without tags is judged on all its passages in that view.
    tags[:, ~has_tags] = passages[:, ~has_tags]
    return Views(doc.astype(np.float32), passages, tags)


def column_stats(v: Views) -> ColumnStats:
    stacked = np.stack([v.doc, v.passages, v.tags]).astype(np.float64)  # (3, ideas, companies)
    n_ideas = stacked.shape[1]
    if n_ideas < MIN_POOL_FOR_STANDARDISING:
        n_companies = stacked.shape[2]
        return ColumnStats(mean=np.zeros((3, n_companies)), std=np.ones((3, n_companies)))
    std = stacked.std(axis=1)
    return ColumnStats(mean=stacked.mean(axis=1), std=np.where(std > 1e-6, std, 1.0))


def fuse(v: Views, stats: ColumnStats) -> np.ndarray:
    stacked = np.stack([v.doc, v.passages, v.tags]).astype(np.float64)
    standardised = (stacked - stats.mean[:, None, :]) / stats.std[:, None, :]
    return standardised.mean(axis=0)


def with_idea_contrast(scores: np.ndarray) -> np.ndarray:
    """Add how far each company stands out among the idea's candidates.

    For an idea's own list this changes nothing (it rises with the score along the row); for a
    company's list it stops ideas that sit close to every company (same language as most
    profiles, generic wording) from crowding out the ideas that are specifically about it.
    """
    if scores.shape[1] < 2:
        return scores
    spread = scores.std(axis=1, keepdims=True)
    return scores + (scores - scores.mean(axis=1, keepdims=True)) / np.where(spread > 1e-6, spread, 1.0)


def feedback_adjustment(
    idea_docs: np.ndarray, liked: dict[int, list[int]], disliked: dict[int, list[int]], n_companies: int
) -> np.ndarray:
    """Move ideas towards a company when they resemble ideas it was interested in, and away when
    they resemble ideas it said were not a fit. Keys are company columns, values idea rows."""
    adjustment = np.zeros((idea_docs.shape[0], n_companies))
    for rows, sign in ((liked, 1.0), (disliked, -1.0)):
        for column, idea_rows in rows.items():
            if not idea_rows:
                continue
            closeness = (idea_docs @ idea_docs[idea_rows].T).max(axis=1)
            spread = closeness.std() or 1.0
            adjustment[:, column] += sign * FEEDBACK_WEIGHT * (closeness - closeness.mean()) / spread
    return adjustment


def best_passages_for_company(
    ideas: Side, idea_rows: list[int], companies: Side, company_index: int, limit: int = 3
) -> list[tuple[int, list[int], float]]:
    """For each idea: its passage closest to the company, the company passages it met (best
    first, each cited once) and the best similarity. Indices are into the sides' passages."""
    company_rows = companies.passage_range(company_index)
    stacked, counts = _gather(ideas, idea_rows)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    similarity = stacked @ companies.passages[company_rows].T
    best_per_company_passage = np.maximum.reduceat(similarity, starts, axis=0)  # (ideas, company passages)
    order = np.argsort(-best_per_company_passage, axis=1)[:, :limit]
    results = []
    for n, row in enumerate(idea_rows):
        best_column = int(order[n, 0])
        block = similarity[starts[n] : starts[n] + counts[n], best_column]
        idea_passage = int(ideas.offsets[row]) + int(block.argmax())
        results.append(
            (
                idea_passage,
                [company_rows.start + int(column) for column in order[n]],
                float(block.max()),
            )
        )
    return results


def top_k(scores: np.ndarray, k: int, axis: int, blocked: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k highest scores along an axis, best first; blocked cells never chosen."""
    if blocked is not None:
        scores = np.where(blocked, -np.inf, scores)
    size = scores.shape[axis]
    k = min(k, size)
    if k == 0:
        return (
            np.zeros(scores.shape[:axis] + (0,), dtype=int)
            if axis == 1
            else np.zeros((0, scores.shape[1]), dtype=int)
        )
    part = np.argpartition(-scores, k - 1, axis=axis).take(range(k), axis=axis)
    order = np.argsort(-np.take_along_axis(scores, part, axis=axis), axis=axis)
    return np.take_along_axis(part, order, axis=axis)


def _gather(side: Side, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The passages of some documents, stacked, with each document's start and count."""
    ranges = [side.passage_range(row) for row in rows]
    stacked = np.concatenate([side.passages[r] for r in ranges])
    counts = np.array([r.stop - r.start for r in ranges])
    return stacked, counts


def pairwise_duplicate_scores(a: Side, rows_a: list[int], b: Side, rows_b: list[int]) -> np.ndarray:
    """Symmetric passage max-sim for every pair of documents: each document's sentences take
    their best counterpart in the other, averaged, both ways. Shape (len(rows_a), len(rows_b))."""
    if not rows_a or not rows_b:
        return np.zeros((len(rows_a), len(rows_b)))
    passages_a, counts_a = _gather(a, rows_a)
    passages_b, counts_b = _gather(b, rows_b)
    starts_a = np.concatenate([[0], np.cumsum(counts_a)[:-1]])
    starts_b = np.concatenate([[0], np.cumsum(counts_b)[:-1]])
    similarity = passages_a @ passages_b.T
    # a's passages against each b document, then averaged per a document
    a_to_b = (
        np.add.reduceat(np.maximum.reduceat(similarity, starts_b, axis=1), starts_a, axis=0)
        / counts_a[:, None]
    )
    b_to_a = (
        np.add.reduceat(np.maximum.reduceat(similarity, starts_a, axis=0), starts_b, axis=1)
        / counts_b[None, :]
    )
    return (a_to_b + b_to_a) / 2


def duplicate_scores(query: Side, query_index: int, pool: Side, pool_rows: list[int]) -> np.ndarray:
    """Symmetric passage max-sim between one idea and some ideas of the pool."""
    return pairwise_duplicate_scores(query, [query_index], pool, pool_rows)[0]
