"""Each idea's pilot margin (`engine.pilotability`), computed where its vectors are: the
prototype profiles are encoded once per process and model, through the vector cache."""

from __future__ import annotations

import threading

import numpy as np

from . import encoding
from .engine import pilotability, ranking

_lock = threading.Lock()
_prototypes: dict[str, tuple[ranking.Side, ranking.Side]] = {}


def _prototype_sides() -> tuple[ranking.Side, ranking.Side]:
    model = encoding.model_name()
    with _lock:
        if model not in _prototypes:
            sides = []
            for texts in (pilotability.TECHNOLOGY_WORK, pilotability.PLAIN_REQUESTS):
                # One profile whose passages are the prototypes, encoded as profiles are.
                [(document, vectors)] = encoding.encode_documents_cached([list(texts)], kind="passage")
                sides.append(
                    ranking.Side(doc=document[None, :], passages=vectors, offsets=np.array([0, len(texts)]))
                )
            _prototypes[model] = (sides[0], sides[1])
        return _prototypes[model]


def margins(documents: list[tuple[np.ndarray, np.ndarray]]) -> list[float]:
    """The margin of each idea given as (whole-text vector, passage vectors)."""
    if not documents:
        return []
    counts = [len(vectors) for _document, vectors in documents]
    ideas = ranking.Side(
        doc=np.stack([document for document, _vectors in documents]),
        passages=np.concatenate([vectors for _document, vectors in documents]),
        offsets=np.concatenate([[0], np.cumsum(counts)]).astype(int),
    )
    technology, requests = _prototype_sides()
    return [float(m) for m in pilotability.margins(ideas, technology, requests)]
