"""Ranking and duplicate-detection measures over a labelled dataset (see evaluate_matching)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def dcg(gains: Sequence[float]) -> float:
    return sum((2**gain - 1) / math.log2(position + 2) for position, gain in enumerate(gains))


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    return dcg([relevant.get(key, 0) for key in ranked[:k]]) / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: dict[str, int], k: int) -> float:
    return len(set(ranked[:k]) & set(relevant)) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[str], relevant: dict[str, int]) -> float:
    for position, key in enumerate(ranked, start=1):
        if key in relevant:
            return 1.0 / position
    return 0.0


def roc_auc(positive: list[float], negative: list[float]) -> float:
    """Probability that a random duplicate pair outscores a random non-duplicate (ties count half)."""
    if not positive or not negative:
        return float("nan")
    pos = np.asarray(positive)[:, None]
    neg = np.asarray(negative)[None, :]
    return float((pos > neg).mean() + 0.5 * (pos == neg).mean())


def ranking_measures(
    rankings: dict[str, list[str]], relevance: dict[str, dict[str, int]], k: int = 5
) -> dict:
    keys = [key for key in rankings if relevance.get(key)]
    if not keys:
        return {"ndcg_at_5": None, "recall_at_5": None, "mrr": None, "ideas": 0}
    return {
        "ndcg_at_5": round(float(np.mean([ndcg_at(rankings[q], relevance[q], k) for q in keys])), 4),
        "recall_at_5": round(float(np.mean([recall_at(rankings[q], relevance[q], k) for q in keys])), 4),
        "mrr": round(float(np.mean([reciprocal_rank(rankings[q], relevance[q]) for q in keys])), 4),
        "ideas": len(keys),
    }
