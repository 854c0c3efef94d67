"""Text to vectors with a sentence-transformers model, with no database and no settings.

Every vector is L2-normalised so a dot product is a cosine. `matching.embeddings` configures
these functions from the settings and caches their vectors in the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Kind = Literal["query", "passage"]

# Passages of one document are joined with this into the whole text the model reads.
PASSAGE_JOIN = "\n"


def load_model(path: str) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu")


def _dimension(model: SentenceTransformer) -> int:
    """The length of the model's vectors."""
    dim = model.get_embedding_dimension()
    if dim is None:
        raise ValueError("The model does not say the length of its vectors.")
    return dim


def encode(model: SentenceTransformer, texts: list[str], *, prefix: str, batch_size: int) -> np.ndarray:
    """The plain model call on each text."""
    if not texts:
        return np.zeros((0, _dimension(model)), dtype=np.float32)
    vectors = model.encode(
        [prefix + text for text in texts],
        batch_size=batch_size,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return _normalised(np.asarray(vectors, dtype=np.float32))


def encode_documents(
    model: SentenceTransformer,
    documents: list[list[str]],
    *,
    prefix: str,
    batch_size: int,
    wholes: list[str] | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each document's whole-text vector and one vector per passage, all L2-normalised.

    The whole text and every passage are read alone, in one batch for all documents: the whole
    text says what the document is about, and a passage ("OCR", one sentence of a long profile)
    is what a match reason cites and what a short idea meets best. The whole text is the passages
    one per line unless `wholes` gives it.
    """
    if not documents:
        return []
    if not all(documents):
        raise ValueError("Every document needs at least one passage.")
    texts = list(wholes) if wholes is not None else [PASSAGE_JOIN.join(passages) for passages in documents]
    if len(texts) != len(documents):
        raise ValueError("One whole text is needed per document.")
    if not prefix and _gives_line_vectors(model):
        return _encode_by_lines(model, documents, texts, batch_size=batch_size)
    for passages in documents:
        texts.extend(passages)
    vectors = encode(model, texts, prefix=prefix, batch_size=batch_size)
    results, position = [], len(documents)
    for n, passages in enumerate(documents):
        results.append((vectors[n], vectors[position : position + len(passages)]))
        position += len(passages)
    return results


def _gives_line_vectors(model: SentenceTransformer) -> bool:
    """Whether the model reads a text's lines with it (`universal_sentence_encoder`); any other
    sentence-transformers model reads each passage apart."""
    return callable(getattr(model[0], "lines", None))


def _encode_by_lines(
    model: SentenceTransformer, documents: list[list[str]], wholes: list[str], *, batch_size: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """`encode_documents` with a model that gives each line's vector as it reads a text
    (`universal_sentence_encoder`): each whole text is read once, a passage that is one of its
    lines takes that line's vector, and only the others (a profile's tag list) are read apart.
    The vectors are those of reading each text alone."""
    # One dict of outputs per text (sentence-transformers types this call's answer loosely).
    outputs = cast(
        list[dict[str, Any]],
        model.encode(
            wholes,
            batch_size=batch_size,
            prompt="",
            output_value=None,
            show_progress_bar=False,
            with_lines=True,
        ),
    )
    reader: Any = model[0]
    read: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
    for text, output in zip(wholes, outputs, strict=True):
        lines = output["line_embeddings"][: int(output["line_count"])].numpy()
        read.append((output["sentence_embedding"].numpy(), dict(zip(reader.lines(text), lines, strict=True))))
    apart = sorted(
        {
            passage
            for (_whole, by_line), passages in zip(read, documents, strict=True)
            for passage in passages
            if passage not in by_line
        }
    )
    by_text = dict(zip(apart, encode(model, apart, prefix="", batch_size=batch_size), strict=True))
    results = []
    for (whole, by_line), passages in zip(read, documents, strict=True):
        vectors = np.stack([by_line[p] if p in by_line else by_text[p] for p in passages])
        results.append((_normalised(whole[None, :])[0], _normalised(vectors)))
    return results


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
