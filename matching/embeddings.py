"""Reading stored embeddings: which rows the matcher considers, and their vectors stacked for
scoring. Both the services (which rank) and the selectors (which search) read through here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet

from companies.models import Company
from core.sql import id_array
from ideas.models import MATCHABLE_STATUSES, Idea

from . import encoding, vector_store
from .engine import pilotability, ranking
from .engine.passages import UNQUOTED_FIELDS, UNSCORED_FIELDS
from .models import EMBEDDING_DIMENSIONS, Embedding, Passage


def matchable_ideas() -> QuerySet[Idea]:
    return Idea.objects.filter(status__in=MATCHABLE_STATUSES, is_hidden=False)


def matchable_companies() -> QuerySet[Company]:
    return Company.objects.filter(is_verified=True)


@dataclass
class Loaded:
    side: ranking.Side
    owner_ids: list[int]
    embeddings: list[Embedding]
    texts: list[str]
    # The same documents with the passages a match's reason may quote, where these are not the
    # passages scored (a profile's tags: `engine.passages.UNSCORED_FIELDS`).
    quoted: Loaded | None = None

    def row_of(self) -> dict[int, int]:
        return {owner: row for row, owner in enumerate(self.owner_ids)}

    @property
    def for_reasons(self) -> Loaded:
        return self.quoted or self


# Passage rows decoded at a time when loading.
PASSAGE_BATCH = 4096


def load_embeddings(embeddings: list[Embedding], owner_attr: str, *, texts: bool = True) -> Loaded:
    """Stack the vectors of some embeddings (passages contiguous per embedding) for scoring.
    Without `texts` the passages' fields and texts are left empty: scoring alone does not need
    them, and they are most of what a whole city's passages weigh."""
    dim = EMBEDDING_DIMENSIONS
    ids = [e.pk for e in embeddings]
    passage_columns = "field, text" if texts else "'', ''"
    doc_vectors = vector_store.fetch_vectors(
        f"SELECT id, vector FROM {Embedding._meta.db_table} WHERE id = ANY(%s)", [ids], dim
    )
    embedding_of: list[int] = []
    passage_fields: list[str] = []
    passage_texts: list[str] = []
    blocks: list[np.ndarray] = []
    # Decoded a block of rows at a time: a city's passages held at once as rows of Python objects
    # weighed as much again as their vectors.
    for rows in vector_store.fetch_batches(
        f"SELECT embedding_id, {passage_columns}, vector FROM {Passage._meta.db_table} "
        "WHERE embedding_id = ANY(%s) ORDER BY embedding_id, position",
        [ids],
        size=PASSAGE_BATCH,
    ):
        embedding_of += [row[0] for row in rows]
        passage_fields += [row[1] for row in rows]
        passage_texts += [row[2] for row in rows]
        blocks.append(vector_store.vectors_from_binary([row[3] for row in rows], dim))
    passage_vectors = np.concatenate(blocks) if blocks else np.zeros((0, dim), dtype=np.float32)
    del blocks
    # Each embedding's first passage row and count, found for all of them at once: the query
    # orders the rows by embedding, and a city's sixty thousand took a Python step each.
    present, first_rows, counts = np.unique(
        np.array(embedding_of, dtype=np.int64), return_index=True, return_counts=True
    )
    wanted = np.array(ids, dtype=np.int64)
    at = np.minimum(np.searchsorted(present, wanted), max(len(present) - 1, 0))
    found = present[at] == wanted if len(present) else np.zeros(len(wanted), dtype=bool)
    kept = [e for e, has in zip(embeddings, found.tolist(), strict=True) if has]
    kept_first, kept_counts = first_rows[at[found]], counts[at[found]]
    order = np.repeat(kept_first - (np.cumsum(kept_counts) - kept_counts), kept_counts) + np.arange(
        int(kept_counts.sum())
    )
    # The passages usually come in the owners' order already (ids grow with the owners'), and
    # are then kept as read rather than copied.
    in_order = len(order) == len(passage_vectors) and bool(np.all(order == np.arange(len(order))))
    offsets = np.concatenate([[0], np.cumsum(kept_counts)]).astype(int)
    side = ranking.Side(
        doc=np.stack([doc_vectors[e.pk] for e in kept]) if kept else np.zeros((0, dim), dtype=np.float32),
        passages=passage_vectors if in_order else passage_vectors[order],
        offsets=offsets,
        fields=passage_fields if in_order else [passage_fields[n] for n in order],
        offset=pilotability.score_offsets(np.array([e.pilot_margin or 0.0 for e in kept]))
        if owner_attr == "idea_id"
        else None,
    )
    loaded = Loaded(
        side,
        [getattr(e, owner_attr) for e in kept],
        kept,
        passage_texts if in_order else [passage_texts[n] for n in order],
    )
    # Only a profile has passages scored and not quoted, or quoted and not scored.
    return _scored_and_quoted(loaded) if owner_attr == "company_id" else loaded


def _scored_and_quoted(loaded: Loaded) -> Loaded:
    """Split a load whose passages are not all both scored and quoted into the passages scored,
    with the passages quoted beside them (`Loaded.quoted`)."""
    fields = np.array(loaded.side.fields, dtype=object)
    unscored = np.isin(fields, list(UNSCORED_FIELDS))
    unquoted = np.isin(fields, list(UNQUOTED_FIELDS))
    if not (unscored.any() or unquoted.any()):
        return loaded

    def only(keep: np.ndarray) -> Loaded:
        rows = loaded.side.rows_kept(keep)
        return Loaded(
            loaded.side.only(rows),
            loaded.owner_ids,
            loaded.embeddings,
            [loaded.texts[n] for n in rows.tolist()],
        )

    scored = only(~unscored)
    scored.quoted = only(~unquoted)
    return scored


def joined(first: Loaded, second: Loaded) -> Loaded:
    """The rows of two loads, one after the other (neither re-read nor re-sorted)."""
    side = ranking.concatenate([first.side, second.side])
    side.fields = [*first.side.fields, *second.side.fields]
    return Loaded(
        side,
        [*first.owner_ids, *second.owner_ids],
        [*first.embeddings, *second.embeddings],
        [*first.texts, *second.texts],
        quoted=joined(first.for_reasons, second.for_reasons)
        if first.quoted is not None or second.quoted is not None
        else None,
    )


def _current_embeddings(queryset: QuerySet[Idea] | QuerySet[Company], owner_field: str) -> list[Embedding]:
    # The owners first, then their embeddings by a list of ids: as one query with a subquery the
    # planner may join ten thousand rows written moments ago (and not yet analysed) in a nested
    # loop, which once took a minute. Scoring reads the vectors apart (`load_embeddings`) and
    # of the rows only what `EMBEDDING_ROW_FIELDS` names: any other field read later would cost
    # a query per row.
    # The ids travel as one array: Django took longer to build a query naming ten thousand of
    # them than the database took to answer it.
    owner_ids = list(queryset.values_list("pk", flat=True))
    return list(
        Embedding.objects.filter(
            **{f"{owner_field}_id__in": id_array(owner_ids)}, model_name=encoding.model_name()
        )
        .only(*EMBEDDING_ROW_FIELDS, f"{owner_field}_id")
        .order_by(f"{owner_field}_id")
    )


# `updated_at` stamps the vectors a worker keeps for its next profile edit (`_keep_idea_vectors`).
EMBEDDING_ROW_FIELDS = ("id", "pilot_margin", "updated_at")


def load_ideas(queryset: QuerySet[Idea] | None = None, *, texts: bool = True) -> Loaded:
    return load_embeddings(
        _current_embeddings(queryset if queryset is not None else matchable_ideas(), "idea"),
        "idea_id",
        texts=texts,
    )


def load_companies(queryset: QuerySet[Company] | None = None) -> Loaded:
    return load_embeddings(
        _current_embeddings(queryset if queryset is not None else matchable_companies(), "company"),
        "company_id",
    )
