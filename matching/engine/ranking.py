"""Scoring idea–company pairs from their vectors: pure numpy, shared by the live matcher, the
evaluation command and the benchmark.

A pair's similarity is the mean of two cosines, each between 0 and 1 in practice:

- whole text against whole text (what the idea and the profile are about);
- passage max-sim: each idea sentence takes its best-matching profile passage, averaged over the
  idea's sentences, so one relevant line of a long profile is not drowned by the rest.

How strong a match is comes from where the pair stands, not from the similarity alone: a company
that stands out among all companies for the idea, for an idea that stands out among all ideas for
the company, is a match; the company an idea is merely least far from is not. See
`strength_levels`. A request no company can pilot (a swimming pool's opening hours) may still have
one company standing out for it; its pilot margin, a per-idea offset added to its similarities
(`engine.pilotability`), is what sinks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from threadpoolctl import ThreadpoolController

# Below this many ideas (or companies) the spread is too noisy to say what stands out; strength
# then falls back to the similarity alone.
MIN_POOL_FOR_STANDARDISING = 8
# How far feedback moves a score, in standard deviations of the company's similarities.
FEEDBACK_WEIGHT = 0.5
# Rows of idea passages scored against all company passages at once; bounds memory.
CHUNK_PASSAGES = 4096

WEAK, POSSIBLE, STRONG = 0, 1, 2
# (standard deviations above the idea's average company, standard deviations above the
# company's average idea, similarity) a pair must reach for each level. Two standard deviations
# among companies is "this company, not any company"; the similarity floor keeps a pair whose
# texts barely meet out even when everything else is further away.
LEVEL_THRESHOLDS = {STRONG: (2.5, 1.5, 0.20), POSSIBLE: (2.0, 0.5, 0.12)}
# Where the pools are too small to standardise: similarity alone, set where unrelated pairs
# rarely reach (the 99th percentile of unrelated pairs on the development set is about 0.23).
SMALL_POOL_THRESHOLDS = {STRONG: 0.30, POSSIBLE: 0.22}


@dataclass
class Side:
    """Documents of one kind with their passages, passages contiguous per document."""

    doc: np.ndarray  # (n, dim)
    passages: np.ndarray  # (p, dim)
    offsets: np.ndarray  # (n + 1,) start of each document's passages
    fields: list[str] = field(default_factory=list)  # one per passage
    # Added to every similarity of each document (`engine.pilotability`); None for none.
    offset: np.ndarray | None = None  # (n,)

    @property
    def size(self) -> int:
        return self.doc.shape[0]

    def passage_range(self, index: int) -> slice:
        return slice(int(self.offsets[index]), int(self.offsets[index + 1]))

    @cached_property
    def passage_layers(self) -> PassageLayers:
        return PassageLayers.of(self)

    def passage_owners(self) -> np.ndarray:
        """The document of each passage."""
        return np.repeat(np.arange(self.size), np.diff(self.offsets))

    def rows_kept(self, keep: np.ndarray) -> np.ndarray:
        """The passages `keep` marks, plus every passage of a document none of whose passages
        is marked: every document needs one."""
        owner = self.passage_owners()
        marked_per_document = np.bincount(owner[keep], minlength=self.size)
        return np.flatnonzero(keep | (marked_per_document == 0)[owner])

    def only(self, rows: np.ndarray) -> Side:
        """The same documents with only the given passages (`rows_kept`), in their order."""
        counts = np.bincount(self.passage_owners()[rows], minlength=self.size)
        return Side(
            doc=self.doc,
            passages=self.passages[rows],
            offsets=np.concatenate([[0], np.cumsum(counts)]).astype(int),
            fields=[self.fields[n] for n in rows.tolist()] if self.fields else [],
            offset=self.offset,
        )


@dataclass
class PassageLayers:
    """A side's passages regrouped so that each document's best passage is an elementwise
    maximum of whole matrices: documents ordered by passage count, most first, and layer k
    holding the k-th passage of every document that has more than k. Layer k's documents are
    then the first rows of the order, and each layer's products fall on the first columns of
    the best so far. Reducing the products document by document instead (`np.maximum.reduceat`
    over a row's few passages per company) took half of a city's full refresh."""

    order: np.ndarray | None  # (n,) documents, most passages first; None when they come so
    layers: list[np.ndarray]  # layer k: (documents with more than k passages, dim)

    @classmethod
    def of(cls, side: Side) -> PassageLayers:
        counts = np.diff(side.offsets)
        order = np.argsort(-counts, kind="stable")
        starts = side.offsets[:-1][order]
        counts = counts[order]
        depth = int(counts.max(initial=0))
        layers = [
            np.ascontiguousarray(side.passages[starts[: np.count_nonzero(counts > k)] + k])
            for k in range(depth)
        ]
        in_order = bool(np.array_equal(order, np.arange(len(order))))
        return cls(order=None if in_order else order, layers=layers)

    def best(self, rows: np.ndarray) -> np.ndarray:
        """Each row's cosine with its best passage of every document, (rows, documents) in
        the side's order of documents."""
        if not self.layers:
            return np.zeros((rows.shape[0], 0), dtype=rows.dtype)
        best = rows @ self.layers[0].T
        for layer in self.layers[1:]:
            np.maximum(best[:, : len(layer)], rows @ layer.T, out=best[:, : len(layer)])
        if self.order is None:
            return best
        in_order = np.empty_like(best)
        in_order[:, self.order] = best
        return in_order


@dataclass
class ColumnStats:
    """Each company's mean and spread of similarity over all ideas (kept between full refreshes
    as exact sums, `ColumnSums`), so one new idea is judged on the same scale without rescoring
    the others."""

    mean: np.ndarray  # (companies,)
    std: np.ndarray
    ideas: int


def similarity(ideas: Side, companies: Side) -> np.ndarray:
    """Mean of whole-text cosine and passage max-sim for every idea × company pair, plus each
    document's offset: one number per idea, so it moves the idea among a company's ideas but
    neither its order of companies nor how far a company stands out for it."""
    n_ideas, n_companies = ideas.size, companies.size
    doc = ideas.doc @ companies.doc.T
    if n_ideas == 0 or n_companies == 0:
        return doc.astype(np.float64)
    scores = _raw_similarity(ideas, companies, doc)
    if ideas.offset is not None:
        scores += ideas.offset[:, None]
    if companies.offset is not None:
        scores += companies.offset[None, :]
    return scores


def _raw_similarity(ideas: Side, companies: Side, doc: np.ndarray) -> np.ndarray:
    n_ideas, n_companies = ideas.size, companies.size
    layers = companies.passage_layers
    idea_lengths = np.diff(ideas.offsets)
    sums = np.zeros((n_ideas, n_companies), dtype=np.float64)
    first_idea = 0
    while first_idea < n_ideas:
        # Whole ideas per chunk so every idea's passages are reduced together.
        last_idea = (
            int(np.searchsorted(ideas.offsets, ideas.offsets[first_idea] + CHUNK_PASSAGES, "right")) - 1
        )
        last_idea = min(max(last_idea, first_idea + 1), n_ideas)
        rows = slice(int(ideas.offsets[first_idea]), int(ideas.offsets[last_idea]))
        best = layers.best(ideas.passages[rows])
        local_starts = ideas.offsets[first_idea:last_idea] - ideas.offsets[first_idea]
        sums[first_idea:last_idea] = np.add.reduceat(best, local_starts, axis=0)
        # Let go of this chunk's products before the next chunk's are made, not after.
        del best
        first_idea = last_idea
    # In place, in the same arithmetic as `(doc + sums / lengths) / 2`: three fewer matrices of
    # every pair alive at once.
    sums /= idea_lengths[:, None]
    sums += doc
    sums /= 2
    return sums


def column_stats(scores: np.ndarray) -> ColumnStats:
    n_ideas = scores.shape[0]
    std = scores.std(axis=0) if n_ideas else np.ones(scores.shape[1])
    return ColumnStats(
        mean=scores.mean(axis=0) if n_ideas else np.zeros(scores.shape[1]),
        std=np.where(std > 1e-6, std, 1.0),
        ideas=n_ideas,
    )


def strength_levels(scores: np.ndarray, stats: ColumnStats) -> np.ndarray:
    """WEAK, POSSIBLE or STRONG for every pair of a score matrix whose rows hold every company.

    Standing out is measured both ways: among companies for the idea (row) and among ideas for
    the company (column, from `stats`). A profile written in generic words sits close to every
    idea and stands out for none; an idea no company can pilot has no company standing out.
    """
    levels = np.full(scores.shape, WEAK, dtype=np.int8)
    if scores.size == 0:
        return levels
    n_companies = scores.shape[1]
    if n_companies < MIN_POOL_FOR_STANDARDISING or stats.ideas < MIN_POOL_FOR_STANDARDISING:
        for level in (POSSIBLE, STRONG):
            levels[scores >= SMALL_POOL_THRESHOLDS[level]] = level
        return levels
    spread = scores.std(axis=1, keepdims=True)
    among_companies = (scores - scores.mean(axis=1, keepdims=True)) / np.where(spread > 1e-6, spread, 1.0)
    among_ideas = (scores - stats.mean[None, :]) / stats.std[None, :]
    for level in (POSSIBLE, STRONG):
        row_z, column_z, floor = LEVEL_THRESHOLDS[level]
        levels[(among_companies >= row_z) & (among_ideas >= column_z) & (scores >= floor)] = level
    return levels


def ranking_key(scores: np.ndarray | float, levels: np.ndarray | int) -> np.ndarray:
    """Lists are ordered by strength, then by score: a possible match never sits below a weak
    one that happens to score higher (an idea close to every company)."""
    return np.asarray(levels, dtype=np.float64) * 10.0 + scores


def feedback_adjustment(
    idea_docs: np.ndarray, liked: dict[int, list[int]], disliked: dict[int, list[int]], n_companies: int
) -> np.ndarray:
    """Move ideas towards a company when they resemble ideas it was interested in, and away when
    they resemble ideas it said were not a fit. Keys are company columns, values idea rows. In
    standard deviations: scale by each company's spread before adding to similarities."""
    adjustment = np.zeros((idea_docs.shape[0], n_companies))
    for rows, sign in ((liked, 1.0), (disliked, -1.0)):
        for column, idea_rows in rows.items():
            if not idea_rows:
                continue
            closeness = (idea_docs @ idea_docs[idea_rows].T).max(axis=1)
            spread = closeness.std() or 1.0
            adjustment[:, column] += sign * FEEDBACK_WEIGHT * (closeness - closeness.mean()) / spread
    return adjustment


@dataclass
class Evidence:
    """A company passage an idea met, the idea passage that met it best, and how closely."""

    company_passage: int
    idea_passage: int
    similarity: float


def best_passages_for_company(
    ideas: Side, idea_rows: list[int], companies: Side, company_index: int, limit: int = 3
) -> list[list[Evidence]]:
    """For each idea: the company passages it met best (best first, each cited once) with the
    idea passage that met each. Indices are into the sides' passages."""
    company_passage, idea_passage, best = best_passage_arrays(
        ideas, idea_rows, companies, company_index, limit
    )
    return [
        [
            Evidence(company_passage=int(cp), idea_passage=int(ip), similarity=float(s))
            for cp, ip, s in zip(company_passage[n], idea_passage[n], best[n], strict=True)
        ]
        for n in range(len(idea_rows))
    ]


def best_passage_arrays(
    ideas: Side, idea_rows: list[int] | np.ndarray, companies: Side, company_index: int, limit: int = 3
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`best_passages_for_company` as three (ideas, limit) arrays: company passage, idea passage
    and similarity, without a Python step per idea: each idea's passages are contiguous, so the
    best idea passage per company passage is one reduction over the stacked passages."""
    company_rows = companies.passage_range(company_index)
    stacked, counts = _gather(ideas, idea_rows)
    similarity = stacked @ companies.passages[company_rows].T  # (stacked passages, company passages)
    firsts = np.cumsum(counts) - counts
    best_per_company_passage = np.maximum.reduceat(similarity, firsts, axis=0)  # (ideas, company passages)
    # The first of each idea's passages that reaches its best, as an argmax over each idea's
    # passages would pick it, without laying the ideas out in a padded block.
    local = np.arange(len(stacked)) - np.repeat(firsts, counts)
    reaches = similarity == np.repeat(best_per_company_passage, counts, axis=0)
    best_idea_passage = np.minimum.reduceat(
        np.where(reaches, local[:, None], np.iinfo(np.int64).max), firsts, axis=0
    )
    order = np.argsort(-best_per_company_passage, axis=1)[:, :limit]
    starts = ideas.offsets[np.asarray(idea_rows, dtype=int)]
    return (
        company_rows.start + order,
        starts[:, None] + np.take_along_axis(best_idea_passage, order, axis=1),
        np.take_along_axis(best_per_company_passage, order, axis=1).astype(np.float64),
    )


def best_passages_for_pairs(
    ideas: Side, idea_rows: np.ndarray, companies: Side, company_columns: np.ndarray, limit: int = 3
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`best_passage_arrays` for many idea-company pairs at once, each company's pairs next to one
    another, as three (pairs, limit) arrays. A company with fewer than `limit` passages has its
    rows padded with passage -1 and similarity -inf."""
    n_pairs = len(idea_rows)
    company_passage = np.full((n_pairs, limit), -1, dtype=np.int64)
    idea_passage = np.full((n_pairs, limit), -1, dtype=np.int64)
    best = np.full((n_pairs, limit), -np.inf)
    if n_pairs == 0:
        return company_passage, idea_passage, best
    bounds = [0, *(np.flatnonzero(np.diff(company_columns)) + 1).tolist(), n_pairs]
    with _one_blas_thread():
        for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
            found = best_passage_arrays(
                ideas, idea_rows[start:stop], companies, int(company_columns[start]), limit
            )
            width = found[0].shape[1]
            for out, values in zip((company_passage, idea_passage, best), found, strict=True):
                out[start:stop, :width] = values
    return company_passage, idea_passage, best


_blas: ThreadpoolController | None = None


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Products of a company's few passages with a few thousand idea passages, one company after
    another: on each, OpenBLAS's threads cost more than they save. A city's 55,000 reasons took
    5 s so on a busy 2-core machine, 0.3 s on one thread. The limit holds for the whole process
    while it lasts: the matcher runs one task per process (Celery's prefork pool), so nothing else
    computes beside it."""
    global _blas
    if _blas is None:
        _blas = ThreadpoolController()
    with _blas.limit(limits=1, user_api="blas"):
        yield


def top_k(scores: np.ndarray, k: int, axis: int, blocked: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k highest scores along an axis, best first; blocked cells never chosen."""
    size = scores.shape[axis]
    k = min(k, size)
    if k == 0:
        return (
            np.zeros(scores.shape[:axis] + (0,), dtype=int)
            if axis == 1
            else np.zeros((0, scores.shape[1]), dtype=int)
        )
    # Highest first as lowest first of the negated scores, blocked cells last: one copy of the
    # matrix rather than two.
    negated = np.negative(scores)
    if blocked is not None:
        negated[blocked] = np.inf
    part = np.argpartition(negated, k - 1, axis=axis).take(range(k), axis=axis)
    order = np.argsort(np.take_along_axis(negated, part, axis=axis), axis=axis)
    return np.take_along_axis(part, order, axis=axis)


def take(side: Side, rows: list[int] | np.ndarray) -> Side:
    """Some documents of a side, in the order given, passages contiguous per document."""
    stacked, counts = _gather(side, rows)
    at = np.asarray(rows, dtype=int)
    return Side(
        doc=side.doc[at],
        passages=stacked,
        offsets=np.concatenate([[0], np.cumsum(counts)]).astype(int),
        offset=None if side.offset is None else side.offset[at],
    )


def concatenate(sides: list[Side]) -> Side:
    """The documents of several sides, one side after the other."""
    offsets, base = [np.zeros(1, dtype=int)], 0
    for side in sides:
        offsets.append(side.offsets[1:].astype(int) + base)
        base += int(side.offsets[-1])
    # A side without offsets is one whose documents' scores are not moved: zeros.
    with_offset = any(side.offset is not None for side in sides)
    return Side(
        doc=np.concatenate([side.doc for side in sides]),
        passages=np.concatenate([side.passages for side in sides]),
        offsets=np.concatenate(offsets),
        offset=np.concatenate([np.zeros(side.size) if side.offset is None else side.offset for side in sides])
        if with_offset
        else None,
    )


def _gather(side: Side, rows: list[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The passages of some documents, stacked, with each document's start and count."""
    at = np.asarray(rows, dtype=int)
    starts = side.offsets[at].astype(int)
    counts = side.offsets[at + 1].astype(int) - starts
    # One gather instead of a slice per document: a refresh's reasons gather tens of thousands.
    index = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
    return side.passages[index], counts


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


# --- Incremental placement ------------------------------------------------------------------
# The same decisions as `column_stats` and `strength_levels`, taken apart so that one new idea
# can be placed without the full matrix: column statistics kept as running sums, and each pair's
# row criteria (which never change when other ideas come) kept apart from its column criterion
# (which moves a little with every idea).


@dataclass
class ColumnSums:
    """Count, sum and sum of squares of each company's similarity over the ideas counted so far:
    adding or removing an idea's row keeps them exact, and `stats` gives what `column_stats`
    gives on the full matrix (to about 1e-15)."""

    count: int
    total: np.ndarray  # (companies,) float64
    squares: np.ndarray

    @classmethod
    def of(cls, similarity: np.ndarray) -> ColumnSums:
        return cls(
            count=similarity.shape[0],
            total=similarity.sum(axis=0, dtype=np.float64),
            squares=np.square(similarity, dtype=np.float64).sum(axis=0),
        )

    def add(self, rows: np.ndarray, sign: int = 1) -> ColumnSums:
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, self.total.shape[0])
        return ColumnSums(
            count=self.count + sign * rows.shape[0],
            total=self.total + sign * rows.sum(axis=0),
            squares=self.squares + sign * np.square(rows).sum(axis=0),
        )

    def stats(self) -> ColumnStats:
        if self.count == 0:
            return ColumnStats(np.zeros_like(self.total), np.ones_like(self.total), 0)
        mean = self.total / self.count
        std = np.sqrt(np.maximum(self.squares / self.count - mean * mean, 0.0))
        return ColumnStats(mean=mean, std=np.where(std > 1e-6, std, 1.0), ideas=self.count)


def is_small_pool(n_companies: int, n_ideas: int) -> bool:
    return n_companies < MIN_POOL_FOR_STANDARDISING or n_ideas < MIN_POOL_FOR_STANDARDISING


def row_levels(scores: np.ndarray) -> np.ndarray:
    """The highest level each pair's row criterion and similarity floor allow, the column
    criterion aside: what `strength_levels` requires of a pair among the idea's companies."""
    if scores.size == 0:
        return np.full(scores.shape, WEAK, dtype=np.int8)
    spread = scores.std(axis=1, keepdims=True)
    return row_levels_on(scores, scores.mean(axis=1, keepdims=True), np.where(spread > 1e-6, spread, 1.0))


def row_levels_on(scores: np.ndarray, mean: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """`row_levels` for pairs whose ideas' mean and spread among companies are known (spread
    already kept off zero as `row_spread` keeps it); element-wise, in the same arithmetic."""
    levels = np.full(np.shape(scores), WEAK, dtype=np.int8)
    among_companies = (scores - mean) / spread
    for level in (POSSIBLE, STRONG):
        row_z, _column_z, floor = LEVEL_THRESHOLDS[level]
        levels[(among_companies >= row_z) & (scores >= floor)] = level
    return levels


def row_stats(total: np.ndarray, squares: np.ndarray, companies: int) -> tuple[np.ndarray, np.ndarray]:
    """Each idea's mean and spread among companies from its running sums, as `row_levels` takes
    them from the full row (to about 1e-15)."""
    mean = total / companies
    std = np.sqrt(np.maximum(squares / companies - mean * mean, 0.0))
    return mean, np.where(std > 1e-6, std, 1.0)


def row_cutoffs(mean: np.ndarray, spread: np.ndarray) -> dict[int, np.ndarray]:
    """Per level, the score at which each idea's row criterion is met (its floor aside)."""
    return {level: mean + LEVEL_THRESHOLDS[level][0] * spread for level in (POSSIBLE, STRONG)}


def levels_from_parts(
    scores: np.ndarray, row_level: np.ndarray, mean: np.ndarray, std: np.ndarray
) -> np.ndarray:
    """`strength_levels` for pairs whose row criteria are known (`row_levels`), given their
    companies' mean and spread; element-wise, in the same arithmetic."""
    levels = np.full(np.shape(scores), WEAK, dtype=np.int8)
    among_ideas = (scores - mean) / std
    for level in (POSSIBLE, STRONG):
        _row_z, column_z, _floor = LEVEL_THRESHOLDS[level]
        levels[(row_level >= level) & (among_ideas >= column_z)] = level
    return levels


def column_cutoffs(stats: ColumnStats) -> dict[int, np.ndarray]:
    """Per level, the similarity at which a company's column criterion is met."""
    return {level: stats.mean + LEVEL_THRESHOLDS[level][1] * stats.std for level in (POSSIBLE, STRONG)}
