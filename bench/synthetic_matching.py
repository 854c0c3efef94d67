"""Ideas and companies with synthetic vectors (clustered like real texts about a few dozen
topics), written straight to the database: the matcher at sizes the model would take minutes to
embed. Shared by the benchmark's setup and the tests of placement at scale."""

from __future__ import annotations

import zlib

import numpy as np

from companies.models import Company
from ideas.models import Idea, IdeaStatus
from matching import encoding, services, vector_store
from matching.engine.passages import Passage as TextPassage
from matching.models import EMBEDDING_DIMENSIONS, Embedding, EmbeddingScheme, Passage

IDEA_FIELDS = ["title", "problem", "problem", "problem", "proposal", "proposal"]
COMPANY_FIELDS = ["summary"] + ["description"] * 5 + ["technology"] * 4 + ["domain"] * 2 + ["tags"]
TOPICS = 40
NOISE = 1.0


def topics(rng: np.random.Generator, count: int = TOPICS) -> np.ndarray:
    return rng.normal(size=(count, EMBEDDING_DIMENSIONS)).astype(np.float32)


def make_ideas(author, count: int, start: int = 0) -> list[Idea]:
    return Idea.objects.bulk_create(
        Idea(
            author=author,
            title=f"synthetic idea {start + n}",
            problem=f"synthetic problem {start + n}.",
            proposal=f"synthetic proposal {start + n}.",
            category="other",
            district="citywide",
            language="ko" if n % 3 else "en",
            status=IdeaStatus.PUBLISHED,
        )
        for n in range(count)
    )


def make_companies(count: int, start: int = 0) -> list[Company]:
    return Company.objects.bulk_create(
        Company(
            name=f"synthetic company {start + n}",
            slug=f"synthetic-{start + n}",
            summary=f"synthetic summary {start + n}",
            is_verified=True,
        )
        for n in range(count)
    )


def _vectors(rng: np.random.Generator, centres: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Passage vectors and the whole text's vector of one owner."""
    # Between two topics, as most texts are: how strongly a pair stands out then varies
    # continuously, as with real texts, rather than all or nothing.
    first, second = rng.choice(len(centres), size=2, replace=False)
    weight = rng.random()
    centre = weight * centres[first] + (1 - weight) * centres[second]
    passages = centre + NOISE * rng.normal(size=(count, EMBEDDING_DIMENSIONS)).astype(np.float32)
    passages /= np.linalg.norm(passages, axis=1, keepdims=True)
    whole = passages.mean(axis=0)
    return passages, whole / np.linalg.norm(whole)


def edit_company(company: Company, rng: np.random.Generator, centres: np.ndarray) -> None:
    """A profile rewritten about other topics, stored as the embedding task stores it (the
    model's work aside)."""
    passages, whole = _vectors(rng, centres, len(COMPANY_FIELDS))
    texts = [TextPassage(field, f"{field} {n} edited") for n, field in enumerate(COMPANY_FIELDS)]
    services.company_vectors_store(company=company, passages=texts, document=whole, vectors=passages)


def _pilot_margin(title: str) -> float:
    """A margin as ideas' texts give them (`engine.pilotability`): most read as technology work,
    about one in six as a plain request. Drawn from the idea's title, so the vectors' random
    stream is the same with or without it, and an idea gets the same margin whatever id the
    database gave it (tests run in any order)."""
    return float(np.random.default_rng(zlib.crc32(title.encode())).normal(0.02, 0.07))


def write_vectors(owners: list[Idea] | list[Company], rng: np.random.Generator, centres: np.ndarray) -> None:
    """Vectors near a mix of two random topics for each owner, stored as the product stores them, with the
    content hash of the owner's text so nothing counts as stale."""
    if not owners:
        return
    is_idea = isinstance(owners[0], Idea)
    fields = IDEA_FIELDS if is_idea else COMPANY_FIELDS
    owner_field = "idea" if is_idea else "company"
    model = encoding.model_name()
    embeddings, vectors = [], []
    for owner in owners:
        passages, whole = _vectors(rng, centres, len(fields))
        content = services.idea_content(owner) if is_idea else services.company_content(owner)
        embeddings.append(
            Embedding(
                **{owner_field: owner},
                model_name=model,
                text_hash=services.content_hash(content),
                scheme=EmbeddingScheme.SENTENCES,
                vector=whole,
                pilot_margin=_pilot_margin(owner.title) if is_idea else None,
            )
        )
        vectors.append(passages)
    Embedding.objects.bulk_create(embeddings, batch_size=2000)
    vector_store.copy_rows(
        table=Passage._meta.db_table,
        columns=[
            ("embedding_id", "bigint"),
            ("position", "smallint"),
            ("field", "varchar"),
            ("text", "text"),
            ("vector", "vector"),
        ],
        rows=(
            (embedding.pk, n, field, f"{field} {n} of {embedding.pk}", passage_vectors[n])
            for embedding, passage_vectors in zip(embeddings, vectors, strict=True)
            for n, field in enumerate(fields)
        ),
    )
