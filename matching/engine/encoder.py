"""Text to vectors with a sentence-transformers model, with no database and no settings.

Every vector is L2-normalised so a dot product is a cosine. `matching.embeddings` configures
these functions from the settings and caches their vectors in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Kind = Literal["query", "passage"]


def load_model(path: str) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu")


def _dimension(model: SentenceTransformer) -> int:
    """The length of the model's vectors."""
    dim = model.get_embedding_dimension()
    if dim is None:
        raise ValueError("The model does not say the length of its vectors.")
    return dim


def _context_length(model: SentenceTransformer) -> int:
    """The most tokens the model reads of one text; it truncates the rest."""
    limit = model.max_seq_length
    if limit is None:
        raise ValueError("The model does not say how many tokens it reads.")
    return limit


def encode(model: SentenceTransformer, texts: list[str], *, prefix: str, batch_size: int) -> np.ndarray:
    """The plain model call on each text, used by the benchmark as the reference."""
    if not texts:
        return np.zeros((0, _dimension(model)), dtype=np.float32)
    return model.encode(
        [prefix + text for text in texts],
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    ).astype(np.float32)


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


def windows(model: SentenceTransformer, documents: list[list[str]], prefix: str) -> list[_Window]:
    """Each document as one text when it fits the model's context, else as consecutive runs of
    whole passages that each fit; a passage is never cut between two windows."""
    limit = _context_length(model)
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


def encode_documents(
    model: SentenceTransformer, documents: list[list[str]], *, prefix: str, batch_size: int
) -> list[tuple[np.ndarray, np.ndarray]]:
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
    dim = _dimension(model)
    read = windows(model, documents, prefix)
    texts = [window.text for window in read]
    token_vectors = model.encode(
        texts,
        output_value="token_embeddings",
        # The texts carry their prefix already; a model's default prompt would shift the tokens.
        prompt="",
        batch_size=batch_size,
        show_progress_bar=False,
    )
    offsets = model.tokenizer(
        texts,
        add_special_tokens=True,
        truncation=True,
        max_length=_context_length(model),
        return_offsets_mapping=True,
    )["offset_mapping"]

    sums = [np.zeros(dim, dtype=np.float64) for _ in documents]
    counts = [0] * len(documents)
    passage_vectors = [np.zeros((len(passages), dim), dtype=np.float32) for passages in documents]
    for window, vectors, mapping in zip(read, token_vectors, offsets, strict=True):
        vectors = vectors.float().numpy()
        mapping = np.asarray(mapping, dtype=np.int64).reshape(-1, 2)
        sums[window.document] += vectors.sum(axis=0)
        counts[window.document] += len(vectors)
        if len(vectors) != len(mapping):
            raise RuntimeError(
                f"The model read {len(vectors)} tokens where its tokenizer gives {len(mapping)}: "
                "a model with a default prompt cannot pool passages from token offsets."
            )
        owner = token_owners(window, mapping, prefix)
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


def token_owners(window: _Window, mapping: np.ndarray, prefix: str) -> np.ndarray:
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
