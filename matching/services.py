"""The matcher's writes: embeddings, match refreshes, feedback and duplicate statistics."""

from __future__ import annotations

import datetime
import functools
import gc
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Model, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import NotificationKind, User
from accounts.notifications import notify, notify_each, strong_matches_title, worded_per_language
from companies.models import Company
from core.errors import ApplicationError, conflict, forbidden, not_found
from core.services import save_validated
from core.sql import id_array
from ideas.models import MATCHABLE_STATUSES, Idea, IdeaStatus
from ideas.services import ideas_mark_matched

from . import dispatch, encoding, pilotability, vector_store
from .embeddings import (
    Loaded,
    joined,
    load_companies,
    load_embeddings,
    load_ideas,
    matchable_ideas,
)
from .engine import ranking
from .engine.passages import Passage as TextPassage
from .engine.passages import company_document, company_passages, idea_passages
from .engine.vector_io import JsonText
from .idea_pilots import idea_pilots, pilots_on_card
from .models import (
    PROPOSAL_MAX_WEEKS,
    SHOWN_STRENGTHS,
    Embedding,
    EmbeddingScheme,
    Match,
    MatchCandidate,
    MatchingRow,
    MatchingStamp,
    MatchingState,
    MatchStatus,
    MatchStrength,
    Passage,
)

logger = logging.getLogger(__name__)

# Ideas embedded per model call by the sweep.
SWEEP_BATCH = 64


# --- Embeddings ---------------------------------------------------------------------------


def content_hash(passages: Iterable[TextPassage]) -> str:
    digest = hashlib.sha256(encoding.model_name().encode())
    for passage in passages:
        digest.update(f"\x00{passage.field}\x01{passage.text}".encode())
    return digest.hexdigest()


def idea_content(idea: Idea) -> list[TextPassage]:
    return idea_passages(title=idea.title, problem=idea.problem, proposal=idea.proposal)


def _profile_fields(company: Company) -> dict:
    return {
        "summary": company.summary,
        "description": company.description,
        "technologies": list(company.technologies),
        "domains": list(company.domains),
        "references": [(ref.title, ref.description) for ref in company.references.all()],
    }


def company_content(company: Company) -> list[TextPassage]:
    return company_passages(**_profile_fields(company))


def company_whole_text(company: Company) -> str:
    """What the profile's whole-text vector reads; a function of the same fields as its passages,
    so their content hash covers it too."""
    return company_document(**_profile_fields(company))


# The whole text and each passage are read alone, for ideas and profiles alike
# (`encoding.encode_documents`).
SCHEMES = {"idea": EmbeddingScheme.SENTENCES, "company": EmbeddingScheme.SENTENCES}


def _is_stale(embedding: Embedding | None, owner_field: str, passages: list[TextPassage]) -> bool:
    return (
        embedding is None
        or embedding.text_hash != content_hash(passages)
        or embedding.scheme != SCHEMES[owner_field]
        or (owner_field == "idea" and embedding.pilot_margin is None)
    )


_PASSAGE_COLUMNS = [
    ("embedding_id", "bigint"),
    ("position", "smallint"),
    ("field", "varchar"),
    ("text", "text"),
    ("vector", "vector"),
]


_EMBEDDING_COLUMNS = [
    ("owner_id", "bigint"),
    ("text_hash", "varchar"),
    ("vector", "vector"),
    ("pilot_margin", "double precision"),
]


def _save_vectors(
    *, owner_field: str, items: list[tuple[Model, list[TextPassage], np.ndarray, np.ndarray]]
) -> list[int]:
    """Write the vectors of any number of ideas or companies in a few statements: an upsert of
    their embeddings from a binary COPY, a delete of their old passages, and a binary COPY of the
    new ones. Each item is (owner, passages, whole-text vector, passage vectors); returns their
    embeddings' ids, in the same order. (Through the ORM each vector was printed as text: a
    burst's 256 took longer to print than the database took to store them.)"""
    model = encoding.model_name()
    margins = (
        pilotability.margins([(document, vectors) for _owner, _passages, document, vectors in items])
        if owner_field == "idea"
        else [None] * len(items)
    )
    owner_column = f"{owner_field}_id"
    with transaction.atomic():
        stored: dict[int, int] = dict(
            vector_store.copy_then(
                table=Embedding._meta.db_table,
                columns=_EMBEDDING_COLUMNS,
                rows=(
                    (owner.pk, content_hash(passages), document_vector, margin)
                    for (owner, passages, document_vector, _vectors), margin in zip(
                        items, margins, strict=True
                    )
                ),
                then=f"INSERT INTO {Embedding._meta.db_table} "
                f"({owner_column}, model_name, text_hash, scheme, vector, pilot_margin, updated_at) "
                "SELECT owner_id, %s, text_hash, %s, vector, pilot_margin, %s FROM {staging} "
                f"ON CONFLICT ({owner_column}) DO UPDATE SET model_name = EXCLUDED.model_name, "
                "text_hash = EXCLUDED.text_hash, scheme = EXCLUDED.scheme, vector = EXCLUDED.vector, "
                "pilot_margin = EXCLUDED.pilot_margin, updated_at = EXCLUDED.updated_at "
                f"RETURNING {owner_column}, id",
                params=[model, str(SCHEMES[owner_field]), timezone.now()],
            )
        )
        ids = [stored[owner.pk] for owner, _passages, _document, _vectors in items]
        Passage.objects.filter(embedding__in=id_array(ids)).delete()
        vector_store.copy_rows(
            table=Passage._meta.db_table,
            columns=_PASSAGE_COLUMNS,
            rows=(
                (embedding_id, n, passage.field, passage.text, vectors[n])
                for embedding_id, (_owner, passages, _document, vectors) in zip(ids, items, strict=True)
                for n, passage in enumerate(passages)
            ),
        )
    return ids


def embedding_refresh_for_ideas(*, idea_ids: list[int]) -> int:
    """Embed many ideas with one model call and one write: batching across ideas keeps the
    model busy with full batches instead of one idea's few sentences. Returns how many were
    (re)computed."""
    return len(_embed_ideas(idea_ids))


def _embed_ideas(idea_ids: list[int]) -> set[int]:
    ideas = list(Idea.objects.filter(pk__in=idea_ids).select_related("embedding"))
    pending = []
    for idea in ideas:
        passages = idea_content(idea)
        if passages and _is_stale(getattr(idea, "embedding", None), "idea", passages):
            pending.append((idea, passages))
    if not pending:
        return set()
    if any(getattr(idea, "embedding", None) and idea.embedding.pilot_margin is None for idea, _p in pending):
        # Ideas counted before they had a margin now score differently: the sweep reconciles them.
        MatchingState.objects.update(needs_full_refresh=True)
    encoded = encoding.encode_documents_cached(
        [[p.text for p in passages] for _idea, passages in pending], kind="query"
    )
    _save_vectors(
        owner_field="idea",
        items=[
            (idea, passages, document, vectors)
            for (idea, passages), (document, vectors) in zip(pending, encoded, strict=True)
        ],
    )
    return {idea.pk for idea, _passages in pending}


# Ideas one task embeds with its own when a burst waits: the model is several times faster per
# text in a full batch than one idea at a time, and the batch is then placed in one pass, whose
# cost (the companies' statistics, the other ideas a placement moves) hardly grows with it. At
# 500 waiting ideas 256 at a time placed 53 ideas/s against 48-52 at 64 (`bench_matching`'s
# burst); the first idea of a burst waits for the batch's encoding (about 4 s) instead of 1 s.
BURST_BATCH = 256
# Any 32-bit number unique to the claims on ideas' embedding work; the idea's id is the other half.
_EMBEDDING_CLAIM_CLASS = 72_420_311


def embedding_refresh_for_idea(*, idea_id: int) -> tuple[Embedding | None, bool]:
    """Embed one idea, and with it new ideas waiting for their vectors (up to BURST_BATCH), in
    one model call (`_embed_with_waiting`). Returns the idea's embedding and whether it was
    (re)computed."""
    computed = idea_id in _embed_with_waiting(idea_id)
    return Embedding.objects.filter(idea_id=idea_id).first(), computed


def _embed_with_waiting(idea_id: int) -> set[int]:
    """Embed one idea and new ideas waiting for their vectors (up to BURST_BATCH) in one model
    call; returns the ideas (re)computed. Each idea keeps its own task: an idea whose batch failed
    is embedded by its own task's retry. Claims are transaction-scoped advisory locks, so two
    workers never embed the same idea at once and a claim dies with its worker."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Wait for a worker that claimed this idea for its batch: its vectors are then current.
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_EMBEDDING_CLAIM_CLASS, idea_id])
        return _embed_ideas([idea_id, *_claim_waiting_ideas(besides=idea_id)])


def _claim_waiting_ideas(*, besides: int) -> list[int]:
    """New ideas still without vectors, oldest first, that no other worker has claimed, claimed
    in one statement. (An edited idea's vectors may still be current, if only its status changed:
    its own task judges.)"""
    waiting = (
        Idea.objects.exclude(status=IdeaStatus.DRAFT)
        .exclude(pk=besides)
        .filter(embedding__isnull=True)
        .order_by("updated_at")
        .values_list("pk", flat=True)[: BURST_BATCH * 2]
    )
    sql, params = waiting.query.sql_with_params()
    with connection.cursor() as cursor:
        # The outer LIMIT stops the scan, so no idea past the batch is claimed (and kept waiting
        # for this transaction); the subquery's LIMIT keeps the planner from pushing the claim into
        # it.
        cursor.execute(
            f"SELECT w.id FROM ({sql}) AS w(id) WHERE pg_try_advisory_xact_lock(%s, w.id::int) LIMIT %s",
            [*params, _EMBEDDING_CLAIM_CLASS, BURST_BATCH - 1],
        )
        return [row[0] for row in cursor.fetchall()]


def embedding_refresh_for_company(*, company_id: int) -> tuple[Embedding | None, bool]:
    """Embed a profile unless its text, model and scheme are unchanged. Returns the embedding and
    whether it was (re)computed."""
    company = Company.objects.filter(pk=company_id).prefetch_related("references").first()
    if company is None:
        return None, False
    passages = company_content(company)
    current = Embedding.objects.filter(company=company).first()
    if not _is_stale(current, "company", passages):
        return current, False
    if not passages:
        with transaction.atomic():
            Embedding.objects.filter(company=company).delete()
            _companies_changed()
        return None, True
    [(document, vectors)] = encoding.encode_documents_cached(
        [[p.text for p in passages]], kind="passage", wholes=[company_whole_text(company)]
    )
    embedding = company_vectors_store(company=company, passages=passages, document=document, vectors=vectors)
    return embedding, True


def company_vectors_store(
    *, company: Company, passages: list[TextPassage], document: np.ndarray, vectors: np.ndarray
) -> Embedding:
    """Store a profile's new vectors and, in the same transaction, rescore its column against
    every idea (`_rescore_company`); when that cannot be done exactly the state is marked for a
    full refresh (`match_refresh_for_company`)."""
    with _matching_lock():
        state = matching_state()
        before = _counted_company_vectors(state, company.pk)
        [embedding_id] = _save_vectors(owner_field="company", items=[(company, passages, document, vectors)])
        if before is None or not _rescore_company(state=state, company_id=company.pk, before=before):
            _companies_changed()
    return Embedding.objects.get(pk=embedding_id)


def stale_idea_ids() -> list[int]:
    """Ideas whose vectors are missing or were computed from other text, by another model or in
    another scheme."""
    stale = []
    for idea in Idea.objects.exclude(status=IdeaStatus.DRAFT).select_related("embedding"):
        if _is_stale(getattr(idea, "embedding", None), "idea", idea_content(idea)):
            stale.append(idea.pk)
    return stale


def stale_company_ids() -> list[int]:
    stale = []
    for company in Company.objects.prefetch_related("references").select_related("embedding"):
        if _is_stale(getattr(company, "embedding", None), "company", company_content(company)):
            stale.append(company.pk)
    return stale


# --- Matches --------------------------------------------------------------------------------

# Any 64-bit number unique to this lock in the database.
_MATCHING_LOCK_KEY = 7_242_031_001


@contextmanager
def _matching_lock() -> Iterator[None]:
    """Serialise rewrites of the rankings: two workers refreshing at once would each rank from a
    state the other is replacing. Embedding (the slow part) happens outside the lock."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MATCHING_LOCK_KEY])
        yield


def idea_texts_hash(passages: Iterable[tuple[str, str]]) -> str:
    """What a "not a fit" was said about: the idea's text alone, whatever the model. The answer
    holds while the company edits its profile and is reopened when the idea itself changes."""
    digest = hashlib.sha256()
    for field, text in passages:
        digest.update(f"\x00{field}\x01{text}".encode())
    return digest.hexdigest()


def _loaded_idea_texts_hash(ideas: Loaded, row: int) -> str:
    span = ideas.side.passage_range(row)
    return idea_texts_hash(zip(ideas.side.fields[span], ideas.texts[span], strict=True))


_LEVELS = {
    MatchStrength.WEAK: ranking.WEAK,
    MatchStrength.POSSIBLE: ranking.POSSIBLE,
    MatchStrength.STRONG: ranking.STRONG,
}
_STRENGTHS = {level: strength for strength, level in _LEVELS.items()}


# A company passage this close to the best one is as good a reason; among such, the one the
# company's list has cited least is shown, so its ideas do not all quote one sentence.
REASON_TIE = 0.05
# A sentence of the profile that names the company introduces it ("X moved its head office to
# Cheomdan in 2022"): it may meet an idea through a place or a word of the trade, and as a reason
# it tells a reader least. Another of the pair's closest passages within this much of it is
# quoted instead.
INTRODUCTION_HANDICAP = 0.15


def _reasons(
    ideas: Loaded,
    companies: Loaded,
    pairs: list[tuple[int, int]],
    scores: np.ndarray,
    introductions: np.ndarray | None = None,
) -> dict[tuple[int, int], JsonText]:
    """Why each pair matched, as JSON: the idea passage and company passage that met, and the
    company's next closest passages. `introductions` are `_introductions` of the pairs'
    companies, when read already."""
    if not pairs:
        return {}
    companies = companies.for_reasons
    at = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    # Each company's pairs together, best-scored first (in the given order among equal scores):
    # the best-scored ideas choose their evidence first.
    order = np.lexsort((-scores[at[:, 0], at[:, 1]], at[:, 1]))
    rows, columns = at[order, 0], at[order, 1]
    company_passage, idea_passage, similarity = ranking.best_passages_for_pairs(
        ideas.side, rows, companies.side, columns
    )
    # Introductions step back, then each row is best first again, so the passages close enough
    # to the best are a prefix of it (padding, at -inf, never is).
    if introductions is None:
        introductions = _introductions(companies, columns)
    handicapped = similarity - INTRODUCTION_HANDICAP * introductions[company_passage]
    by_handicap = np.argsort(-handicapped, axis=1, kind="stable")
    company_passage, idea_passage, similarity, handicapped = (
        np.take_along_axis(values, by_handicap, axis=1)
        for values in (company_passage, idea_passage, similarity, handicapped)
    )
    close_enough = (handicapped >= handicapped[:, :1] - REASON_TIE).sum(axis=1).tolist()
    company_passage, idea_passage, similarity = (
        company_passage.tolist(),
        idea_passage.tolist(),
        similarity.tolist(),
    )
    idea_fields, idea_texts = ideas.side.fields, ideas.texts
    company_fields, company_texts = companies.side.fields, companies.texts
    # Each passage's field and text are serialised once, however many reasons quote them (a
    # company's passages are quoted by hundreds), and each reason is put together from them.
    field_json: dict[str, str] = {}
    idea_json: dict[int, tuple[str, str]] = {}
    company_json: dict[int, tuple[str, str]] = {}

    def serialised(passage: int, fields: list[str], texts: list[str], cache: dict) -> tuple[str, str]:
        found = cache.get(passage)
        if found is None:
            field = fields[passage]
            encoded_field = field_json.get(field)
            if encoded_field is None:
                encoded_field = field_json[field] = _json_string(field)
            found = cache[passage] = (encoded_field, _json_string(texts[passage]))
        return found

    also_entries: dict[int, str] = {}

    def also_entry(passage: int) -> str:
        found = also_entries.get(passage)
        if found is None:
            field, text = serialised(passage, company_fields, company_texts, company_json)
            found = also_entries[passage] = f'{{"field": {field}, "text": {text}}}'
        return found

    # A passage belongs to one company, so one count serves every company's list.
    cited: dict[int, int] = {}
    reasons = {}
    for n, pair in enumerate(zip(rows.tolist(), columns.tolist(), strict=True)):
        passages = company_passage[n]
        # The least cited of the close enough passages, the best among those cited as little.
        chosen, fewest = 0, cited.get(passages[0], 0)
        for k in range(1, close_enough[n]):
            count = cited.get(passages[k], 0)
            if count < fewest:
                chosen, fewest = k, count
        cited[passages[chosen]] = fewest + 1
        idea_field, idea_text = serialised(idea_passage[n][chosen], idea_fields, idea_texts, idea_json)
        company_field, company_text = serialised(
            passages[chosen], company_fields, company_texts, company_json
        )
        also = ", ".join(
            [also_entry(passage) for k, passage in enumerate(passages) if k != chosen and passage >= 0]
        )
        reasons[pair] = JsonText(
            f'{{"idea_field": {idea_field}, "idea_text": {idea_text}, "company_field": {company_field}, '
            f'"company_text": {company_text}, "similarity": {round(similarity[n][chosen], 4)!r}, '
            f'"also": [{also}]}}'
        )
    return reasons


# A string as JSON, non-ASCII characters kept as they are (the database stores the same value
# either way); `json.dumps` builds an encoder on every call it is given an option.
_json_string = json.JSONEncoder(ensure_ascii=False).encode


def _introductions(companies: Loaded, columns: np.ndarray) -> np.ndarray:
    """1 for each passage of the given companies' summaries and descriptions that names the
    company, else 0; one more entry, 0, for the padding passage -1."""
    companies = companies.for_reasons
    flags = np.zeros(len(companies.texts) + 1)
    used = np.unique(columns).tolist()
    names = dict(
        Company.objects.filter(pk__in=[companies.owner_ids[c] for c in used]).values_list("pk", "name")
    )
    fields, texts = companies.side.fields, companies.texts
    for column in used:
        name = names.get(companies.owner_ids[column], "").strip()
        if not name:
            continue
        # The name as a word of its own at its start ("Care" is not in "healthcare"); a Korean
        # name runs on into its particle ("빛결메디칼AI는"), so its end is left open.
        naming = re.compile(rf"(?<!\w){re.escape(name)}", re.IGNORECASE)
        for passage in range(*companies.side.offsets[column : column + 2].tolist()):
            if fields[passage] in ("summary", "description") and naming.search(texts[passage]):
                flags[passage] = 1.0
    return flags


def _feedback(
    ideas: Loaded, companies: Loaded
) -> tuple[dict[int, list[int]], dict[int, list[int]], np.ndarray]:
    """Liked and disliked idea rows per company column, and the pairs to keep out."""
    idea_row, company_row = ideas.row_of(), companies.row_of()
    liked: dict[int, list[int]] = {}
    disliked: dict[int, list[int]] = {}
    blocked = np.zeros((ideas.side.size, companies.side.size), dtype=bool)
    # Every answer, the other companies' left out here: answers are few (an index of their own),
    # and naming hundreds of companies in the query costs more than reading them.
    feedback = Match.objects.filter(status__in=[MatchStatus.INTERESTED, MatchStatus.DISMISSED]).values_list(
        "idea_id", "company_id", "status", "feedback_texts_hash"
    )
    reopened = []
    for idea_id, company_id, status, texts_hash in feedback:
        if idea_id not in idea_row or company_id not in company_row:
            continue
        r, c = idea_row[idea_id], company_row[company_id]
        if status == MatchStatus.INTERESTED:
            liked.setdefault(c, []).append(r)
            continue
        if _loaded_idea_texts_hash(ideas, r) != texts_hash:
            # The idea changed since the company said "not a fit": judge the pair afresh.
            reopened.append((idea_id, company_id))
            continue
        disliked.setdefault(c, []).append(r)
        blocked[r, c] = True
    if reopened:
        condition = Q()
        for idea_id, company_id in reopened:
            condition |= Q(idea_id=idea_id, company_id=company_id)
        Match.objects.filter(condition, status=MatchStatus.DISMISSED).update(
            status=MatchStatus.SUGGESTED, feedback_texts_hash=""
        )
    return liked, disliked, blocked


def score_matrix(
    ideas: Loaded,
    companies: Loaded,
    stats: ranking.ColumnStats | None = None,
    similarity: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, ranking.ColumnStats, np.ndarray]:
    """Scores of every idea × company with feedback applied, the pairs kept out, each company's
    statistics and each pair's strength level: the production ranking."""
    if similarity is None:
        similarity = ranking.similarity(ideas.side, companies.side)
    stats = stats or ranking.column_stats(similarity)
    scores = similarity
    liked, disliked, blocked = _feedback(ideas, companies)
    if liked or disliked:
        adjustment = ranking.feedback_adjustment(ideas.side.doc, liked, disliked, companies.side.size)
        scores = similarity + adjustment * stats.std[None, :]
    return scores, blocked, stats, ranking.strength_levels(scores, stats)


def _write_matches(
    ideas: Loaded,
    companies: Loaded,
    scores: np.ndarray,
    levels: np.ndarray,
    ranks: dict[tuple[int, int], dict],
    scope: Q,
    *,
    rewrite: bool = False,
    meanwhile: Callable[[], None] | None = None,
) -> int:
    """Replace the suggestions within `scope`; rows carrying company feedback are kept. With
    `rewrite`, every ranked row is written with its reason worked out again, changed or not.
    `meanwhile` is called once what the reasons need is read from the database: writes it
    hands to the database in the background then run while the reasons are chosen."""
    cells = list(ranks)
    # Every cell's score and strength read at once: one numpy scalar at a time, the tens of
    # thousands of a first refresh took a tenth of a second.
    at = np.array(cells, dtype=np.int64).reshape(-1, 2)
    strength_of = {level: strength.value for level, strength in _STRENGTHS.items()}
    idea_ids, company_ids = ideas.owner_ids, companies.owner_ids
    # The reason is filled in below, for the rows written only.
    rows = [
        (idea_ids[r], company_ids[c], score, rank.get("idea"), rank.get("company"), None, strength_of[level])
        for ((r, c), rank), score, level in zip(
            ranks.items(),
            scores[at[:, 0], at[:, 1]].tolist(),
            levels[at[:, 0], at[:, 1]].tolist(),
            strict=True,
        )
    ]
    new_pairs = {(row[0], row[1]) for row in rows}
    with transaction.atomic():
        to_delete: list[int] = []
        to_unrank: list[int] = []
        existing: dict[tuple[int, int], tuple] = {}
        for pk, idea_id, company_id, status, *written in Match.objects.filter(scope).values_list(
            "pk", "idea_id", "company_id", "status", "score", "rank_for_idea", "rank_for_company", "strength"
        ):
            existing[(idea_id, company_id)] = tuple(written)
            if (idea_id, company_id) in new_pairs:
                continue
            # A pair that fell out of the rankings is forgotten unless the company answered it, and
            # an answered pair out of the rankings is unranked (once).
            if status == MatchStatus.SUGGESTED:
                to_delete.append(pk)
            elif written[1] is not None or written[2] is not None:
                to_unrank.append(pk)
        Match.objects.filter(pk__in=to_delete).delete()
        Match.objects.filter(pk__in=to_unrank).update(rank_for_idea=None, rank_for_company=None)
        # Only the rows whose ranking changed are written: a refresh that changes little writes
        # little. A score that moved less than SCORE_TOLERANCE (the float32 dot products summed
        # in another order) is the same score.
        changed = [
            n for n, row in enumerate(rows) if rewrite or _changed(existing.get((row[0], row[1])), row)
        ]
        # Why a pair matched is worked out only for the rows written: an unchanged row keeps its
        # reason, and a refresh that changes little costs little.
        pairs = [cells[n] for n in changed]
        introductions = _introductions(
            companies, np.array([column for _row, column in pairs], dtype=np.int64)
        )
        if meanwhile is not None:
            meanwhile()
        reasons = _reasons(ideas, companies, pairs, scores, introductions)
        written_rows = [(*rows[n][:5], reasons[cells[n]], rows[n][6]) for n in changed]
        # New pairs go straight into the table; only the pairs already there need an upsert.
        _insert_matches([row for row in written_rows if (row[0], row[1]) not in existing])
        _upsert_matches([row for row in written_rows if (row[0], row[1]) in existing])
        # An idea is matched once a company that fits is shown for it, not for weak possibilities.
        matched_ids = {row[0] for row in rows if row[3] is not None and row[6] in SHOWN_STRENGTHS}
        strong = [
            row
            for row in rows
            if (row[0], row[1]) not in existing and row[6] == MatchStrength.STRONG and row[4]
        ]
        _notify_strong_matches(strong)
        ideas_mark_matched(idea_ids=matched_ids)
    return len(rows)


# Scores of one pair computed in batches of another shape differ in the last float32 bits.
SCORE_TOLERANCE = 1e-6


def _changed(written: tuple | None, row: tuple) -> bool:
    if written is None:
        return True
    score, rank_for_idea, rank_for_company, strength = written
    return abs(score - row[2]) > SCORE_TOLERANCE or (rank_for_idea, rank_for_company, strength) != (
        row[3],
        row[4],
        row[6],
    )


def _notify_strong_matches(rows: list[tuple]) -> None:
    """Tell each company's members about ideas that newly and strongly match it, all companies
    in a few queries: the first refresh of a city tells hundreds of companies at once."""
    by_company: dict[int, list[int]] = {}
    for idea_id, company_id, *_rest in rows:
        by_company.setdefault(company_id, []).append(idea_id)
    if not by_company:
        return
    # In the ideas' own order, as a query per company would list them.
    titles = list(
        Idea.objects.filter(pk__in={i for ideas in by_company.values() for i in ideas}).values_list(
            "pk", "title"
        )
    )
    # Each company's first three titles, in one pass over the ideas rather than one per company.
    first_titles: dict[int, list[str]] = {company_id: [] for company_id in by_company}
    companies_of: dict[int, list[int]] = {}
    for company_id, idea_ids in by_company.items():
        for idea_id in idea_ids:
            companies_of.setdefault(idea_id, []).append(company_id)
    for idea_id, idea_title in titles:
        for company_id in companies_of.get(idea_id, ()):
            if len(first_titles[company_id]) < 3:
                first_titles[company_id].append(idea_title)
    members: dict[int, list[User]] = {}
    for user in User.objects.filter(memberships__company__in=list(by_company)).annotate(
        member_of=F("memberships__company")
    ):
        members.setdefault(user.member_of, []).append(user)
    messages: list[tuple[User, str, str, str]] = []
    for company in Company.objects.filter(pk__in=by_company):
        count = len(by_company[company.pk])
        # One title a line: an idea its author deletes has its line taken out, and the title counts one
        # fewer (ideas.services).
        body = "\n".join(first_titles[company.pk])
        link = company.get_matches_url()
        title_in = worded_per_language(functools.partial(strong_matches_title, count, company.name))
        for member in {u.pk: u for u in members.get(company.pk, [])}.values():
            messages.append((member, title_in(member.preferred_language), body, link))
    notify_each(kind=NotificationKind.STRONG_MATCH, messages=messages)


_MATCH_COLUMNS = [
    ("idea_id", "bigint"),
    ("company_id", "bigint"),
    ("score", "double precision"),
    ("rank_for_idea", "smallint"),
    ("rank_for_company", "smallint"),
    ("reason", "jsonb"),
    ("strength", "varchar"),
]


def _insert_matches(rows: list[tuple]) -> None:
    """COPY suggestions for pairs that have no row yet straight into the table: a first refresh
    of a city writes tens of thousands, and a staging table and an upsert would write them twice."""
    if not rows:
        return
    now = timezone.now()
    extra = (MatchStatus.SUGGESTED.value, "", "", now, now)
    vector_store.copy_rows(
        table=Match._meta.db_table,
        columns=[
            *_MATCH_COLUMNS,
            ("status", "varchar"),
            ("message", "text"),
            ("feedback_texts_hash", "varchar"),
            ("created_at", "timestamptz"),
            ("updated_at", "timestamptz"),
        ],
        rows=((*row, *extra) for row in rows),
    )


# Below this many rows an upsert is one statement with the rows as arrays; above, COPY through a
# staging table (four statements, but far faster for tens of thousands of rows).
UPSERT_AS_ARRAYS = 500


def _upsert_matches(rows: list[tuple]) -> None:
    """Insert or update suggestions in bulk through COPY: tens of thousands of rows with JSON
    reasons take seconds through the ORM, a fraction of one this way. Company answers (status,
    message) are never overwritten."""
    if not rows:
        return
    table = Match._meta.db_table
    if len(rows) < UPSERT_AS_ARRAYS:
        columns = list(zip(*rows, strict=True))
        vector_store.execute(
            f"INSERT INTO {table} (idea_id, company_id, score, rank_for_idea, rank_for_company, reason, "
            "strength, status, message, feedback_texts_hash, created_at, updated_at) "
            "SELECT u.idea_id, u.company_id, u.score, u.rank_for_idea, u.rank_for_company, u.reason::jsonb, "
            "u.strength, %s, '', '', now(), now() FROM unnest(%s::bigint[], %s::bigint[], %s::float8[], "
            "%s::smallint[], %s::smallint[], %s::text[], %s::text[]) "
            "AS u(idea_id, company_id, score, rank_for_idea, rank_for_company, reason, strength) "
            "ON CONFLICT (idea_id, company_id) DO UPDATE SET score = EXCLUDED.score, "
            "rank_for_idea = EXCLUDED.rank_for_idea, rank_for_company = EXCLUDED.rank_for_company, "
            "reason = EXCLUDED.reason, strength = EXCLUDED.strength, updated_at = EXCLUDED.updated_at",
            [
                MatchStatus.SUGGESTED.value,
                list(columns[0]),
                list(columns[1]),
                list(columns[2]),
                list(columns[3]),
                list(columns[4]),
                [str(reason) for reason in columns[5]],
                [str(strength) for strength in columns[6]],
            ],
        )
        return
    vector_store.copy_then(
        table=table,
        columns=_MATCH_COLUMNS,
        rows=rows,
        then=f"INSERT INTO {table} (idea_id, company_id, score, rank_for_idea, rank_for_company, reason, "
        "strength, status, message, feedback_texts_hash, created_at, updated_at) "
        "SELECT idea_id, company_id, score, rank_for_idea, rank_for_company, reason, strength, "
        "%s, '', '', now(), now() FROM {staging} "
        "ON CONFLICT (idea_id, company_id) DO UPDATE SET score = EXCLUDED.score, "
        "rank_for_idea = EXCLUDED.rank_for_idea, rank_for_company = EXCLUDED.rank_for_company, "
        "reason = EXCLUDED.reason, strength = EXCLUDED.strength, updated_at = EXCLUDED.updated_at",
        params=[MatchStatus.SUGGESTED.value],
    )


def _ranks(
    scores: np.ndarray, levels: np.ndarray, blocked: np.ndarray, idea_rows: Iterable[int] | None = None
) -> dict[tuple[int, int], dict]:
    ranks: dict[tuple[int, int], dict] = {}
    scores = ranking.ranking_key(scores, levels)
    per_idea = ranking.top_k(scores, settings.MATCHES_PER_IDEA, axis=1, blocked=blocked)
    for r in range(scores.shape[0]) if idea_rows is None else idea_rows:
        for rank, c in enumerate(per_idea[r], start=1):
            ranks.setdefault((r, int(c)), {})["idea"] = rank
    per_company = ranking.top_k(scores, settings.MATCHES_PER_COMPANY, axis=0, blocked=blocked)
    for c in range(scores.shape[1]):
        for rank, r in enumerate(per_company[:, c], start=1):
            if np.isfinite(scores[r, c]) and not blocked[r, c]:
                ranks.setdefault((int(r), c), {})["company"] = rank
    return ranks


# --- Matches at city scale ------------------------------------------------------------------
# A full refresh scores every idea against every company. Between full refreshes a new idea is
# placed at a cost that does not grow with the number of ideas, and makes the decisions a full
# refresh on the same data would make:
#
# - each company's similarity statistics are kept as exact running sums (MatchingState), so the
#   new idea is judged on the scale a full refresh would compute with it included;
# - the new idea moves those statistics a little, which can move another pair across a column
#   threshold. Only pairs whose row criteria allow more than weak can cross (MatchCandidate keeps
#   them with their scores); the ones between each company's old and new cutoff are found with
#   one indexed query, and their ideas and companies are re-ranked;
# - a company's list is re-ranked from its candidates, which also hold its best pairs by score,
#   so a pair that is not a candidate can never be missed.
#
# What placement does not reconcile exactly marks the state for a full refresh by the sweep:
# companies' feedback (normalised over all ideas), an idea edited or withdrawn after it was
# counted. A change to the companies (a profile, a verification) refreshes in full at once.


@dataclass
class _CompanyCache:
    version: int
    model: str
    companies: Loaded


# One per worker process: company vectors are read from the database once per change of any
# company, not once per idea.
_company_cache: _CompanyCache | None = None


def _cached_companies(state: MatchingState) -> Loaded:
    global _company_cache
    model = encoding.model_name()
    cached = _company_cache
    if (
        cached is None
        or cached.version != state.companies_version
        or cached.model != model
        # A database restored or recreated (tests) may count versions again from where this
        # process has been.
        or (state.company_ids and state.company_ids != cached.companies.owner_ids)
    ):
        cached = _CompanyCache(state.companies_version, model, load_companies())
        _company_cache = cached
    return cached.companies


@dataclass
class _IdeaCache:
    model: str
    # Each idea's embedding and when its vectors were written: a rewrite moves `updated_at`.
    stamps: dict[int, tuple[int, datetime.datetime]]
    ideas: Loaded  # without texts, in idea id order


# One per worker process: a profile edit scores the edited company against every counted idea,
# and reading their 60,000 passage vectors from the database took longer than the scoring. Each
# use reads every idea's stamp (one light query) and the vectors of only the ideas written since.
_idea_cache: _IdeaCache | None = None


def _cached_ideas(idea_ids: list[int]) -> Loaded:
    """The vectors of these ideas (ids ascending) without texts; an idea without current vectors
    is left out, as `load_ideas` leaves it out."""
    global _idea_cache
    model = encoding.model_name()
    rows = Embedding.objects.filter(idea_id__in=id_array(idea_ids), model_name=model).values_list(
        "idea_id", "pk", "updated_at", "pilot_margin"
    )
    stamps = {idea: (embedding, written) for idea, embedding, written, _margin in rows}
    # An idea's pilot margin moves all its scores; it is written with its vectors, so the stamp
    # covers it, and the ideas read again need it as `load_embeddings` reads it.
    margins = {idea: margin for idea, _embedding, _written, margin in rows}
    cached = _idea_cache if _idea_cache is not None and _idea_cache.model == model else None
    cached_row = cached.ideas.row_of() if cached is not None else {}
    current = {
        idea for idea in cached_row if cached is not None and cached.stamps.get(idea) == stamps.get(idea)
    }
    kept = [idea for idea in idea_ids if idea in current]
    missing = [
        Embedding(pk=stamps[idea][0], idea_id=idea, pilot_margin=margins[idea])
        for idea in idea_ids
        if idea in stamps and idea not in current
    ]
    if cached is not None and not missing and kept == cached.ideas.owner_ids:
        return cached.ideas
    parts: list[ranking.Side] = []
    owners: list[int] = []
    if cached is not None and kept:
        parts.append(ranking.take(cached.ideas.side, [cached_row[idea] for idea in kept]))
        owners += kept
    if missing or not parts:
        fresh = load_embeddings(missing, "idea_id", texts=False)
        parts.append(fresh.side)
        owners += fresh.owner_ids
    side = ranking.concatenate(parts)
    order = np.argsort(owners, kind="stable")
    if np.any(np.diff(order) != 1):
        side, owners = ranking.take(side, order), [owners[n] for n in order]
    n_passages = int(side.offsets[-1])
    side.fields = [""] * n_passages
    ideas = Loaded(side, owners, [], [""] * n_passages)
    _idea_cache = _IdeaCache(model, {idea: stamps[idea] for idea in owners}, ideas)
    return ideas


def _keep_idea_vectors(ideas: Loaded) -> None:
    """Keep the vectors a full refresh read (every counted idea, in idea id order) for this
    process's next profile edit."""
    global _idea_cache
    # The stamps read with the rows (`EMBEDDING_ROW_FIELDS`), not again: those of the vectors kept.
    stamps = {idea: (e.pk, e.updated_at) for idea, e in zip(ideas.owner_ids, ideas.embeddings, strict=True)}
    _idea_cache = _IdeaCache(encoding.model_name(), stamps, ideas)


def matching_state() -> MatchingState:
    state, _created = MatchingState.objects.get_or_create(pk=1)
    return state


def _companies_changed() -> None:
    """Every worker reloads its company vectors at its next task; the next placement refreshes
    in full (the companies' statistics no longer describe their vectors)."""
    MatchingState.objects.get_or_create(pk=1)
    MatchingState.objects.filter(pk=1).update(
        companies_version=F("companies_version") + 1, company_ids=[], needs_full_refresh=True
    )


def _counted_key(embedding: Embedding) -> str:
    return f"{embedding.text_hash}:{embedding.scheme}"


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """A full refresh makes hundreds of thousands of small objects (ranks, rows, reasons,
    notifications) that all live until it ends; each allocation-triggered pass of the cyclic
    collector walked them again, and none was garbage: about 2 s of an 8.7 s refresh at 10,000
    ideas. Whatever cycles the refresh leaves are collected by the first pass after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def match_refresh_all(*, rewrite: bool = False) -> int:
    """Rescore every published idea against every verified company, write the rankings that
    changed (with `rewrite`, every ranked row and its reason: after the way reasons are chosen
    changed), and start the incremental state afresh."""
    with _without_cycle_collection(), _matching_lock():
        state = matching_state()
        ideas, companies = load_ideas(), load_companies()
        similarity = ranking.similarity(ideas.side, companies.side)
        scores, blocked, _stats, levels = score_matrix(ideas, companies, similarity=similarity)
        ranks = _ranks(scores, levels, blocked)
        if state.company_ids != companies.owner_ids:
            state.companies_version += 1
        # The incremental state is written by the database while the matches' reasons are
        # chosen: each is about a second, one of the database's work, the other of Python's, and
        # they touch different tables. Its writes are queued first, so that the matrices they are
        # made of are let go before the matches' rows are made.
        with vector_store.alongside() as background:
            _rebuild_state(state, ideas, companies, similarity, scores, levels, blocked, background)
            written = _write_matches(
                ideas,
                companies,
                scores,
                levels,
                ranks,
                scope=Q(),
                rewrite=rewrite,
                meanwhile=background.start,
            )
        state.save()
        _keep_idea_vectors(ideas)
    return written


_ROW_COLUMNS = [
    ("idea_id", "bigint"),
    ("total", "double precision"),
    ("squares", "double precision"),
    ("reserve", "double precision"),
    ("list_cutoff", "double precision"),
]


def _idea_list_cutoffs(keys: np.ndarray) -> np.ndarray:
    """The key of each idea's last listed company (-inf while its list is not full); kept-out
    pairs count -inf in `keys`."""
    per_idea = settings.MATCHES_PER_IDEA
    if keys.shape[1] < per_idea or keys.shape[0] == 0:
        return np.full(keys.shape[0], -np.inf)
    return -np.partition(-keys, per_idea - 1, axis=1)[:, per_idea - 1]


def _kth_highest_per_column(values: np.ndarray, k: int) -> np.ndarray:
    """Each column's k-th highest value. Partitioned along rows of the transpose: along the
    columns of a row-major matrix each step strides across memory, which took three times as long
    at 10,000 ideas."""
    # A copy in any case (`ascontiguousarray` of a Fortran-ordered matrix's transpose would be
    # a view, and the caller's matrix would be negated and partitioned below).
    negated = np.array(values.T, order="C", copy=True)
    np.negative(negated, out=negated)
    # In place: a copy more of the matrix would be the refresh's peak.
    negated.partition(k - 1, axis=1)
    return -negated[:, k - 1]


_CANDIDATE_COLUMNS = [
    ("idea_id", "bigint"),
    ("company_id", "bigint"),
    ("score", "double precision"),
    ("row_level", "smallint"),
]


def _rebuild_state(
    state: MatchingState,
    ideas: Loaded,
    companies: Loaded,
    similarity: np.ndarray,
    scores: np.ndarray,
    levels: np.ndarray,
    blocked: np.ndarray,
    background: vector_store.Alongside,
) -> None:
    """Rewrite the candidates, the ideas' rows and their stamps (queued on `background`), and set
    the state's fields; the caller saves the state."""
    sums = ranking.ColumnSums.of(similarity)
    keys = np.where(blocked, -np.inf, ranking.ranking_key(scores, levels))
    per_company = settings.MATCHES_PER_COMPANY
    n_ideas = scores.shape[0]
    if n_ideas > per_company:
        cutoffs = _kth_highest_per_column(keys, per_company)
        floors = _kth_highest_per_column(np.where(blocked, -np.inf, scores), per_company)
    else:
        cutoffs = floors = np.full(scores.shape[1], -np.inf)
    row_level = ranking.row_levels(scores)
    rows, columns = np.nonzero(((row_level > ranking.WEAK) | (scores >= floors[None, :])) & ~blocked)
    table = MatchCandidate._meta.db_table
    with connection.cursor() as cursor:
        # Rewritten whole: a fresh table takes the rows faster than one full of deleted ones.
        cursor.execute(f"TRUNCATE {table}, {MatchingRow._meta.db_table}")
        # And faster still without its secondary indexes, each built again in one sort of the
        # rows: the COPY of 228,000 candidates took 0.9 s with them kept, 0.35 s so. The TRUNCATE
        # holds the table exclusively until commit, so no reader sees it without them.
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisunique",
            [table],
        )
        secondary = cursor.fetchall()
        for name, _definition in secondary:
            cursor.execute(f"DROP INDEX {name}")
    idea_ids = np.array(ideas.owner_ids, dtype=np.int64)
    company_ids = np.array(companies.owner_ids, dtype=np.int64)
    background.copy_arrays(
        table=table,
        columns=_CANDIDATE_COLUMNS,
        arrays=[idea_ids[rows], company_ids[columns], scores[rows, columns], row_level[rows, columns]],
    )
    for _name, definition in secondary:
        background.execute(definition)
    # Each idea's side: its sums among companies, its best pair that is not a candidate, and the
    # key of its last listed company.
    candidate = np.zeros(scores.shape, dtype=bool)
    candidate[rows, columns] = True
    reserve = np.where(candidate | blocked, -np.inf, scores).max(axis=1, initial=-np.inf)
    background.copy_arrays(
        table=MatchingRow._meta.db_table,
        columns=_ROW_COLUMNS,
        arrays=[
            idea_ids,
            scores.sum(axis=1, dtype=np.float64),
            np.square(scores, dtype=np.float64).sum(axis=1),
            reserve,
            _idea_list_cutoffs(keys),
        ],
    )
    # The tables were rewritten whole: the planner's picture of them too.
    background.execute(f"ANALYZE {table}, {MatchingRow._meta.db_table}")
    # Which ideas the sums count, and with which vectors (an idea embedded again after it was
    # counted cannot be taken out of the sums exactly), and which are ranked since their last
    # change (`MatchingStamp`). One statement, and only the rows that change.
    stamp_table = MatchingStamp._meta.db_table
    counted = "e.text_hash || ':' || e.scheme"
    # The ten thousand ids travel as one binary array: bound client-side, as Django's cursors
    # bind, they were printed into the statement twice and parsed back.
    background.execute(
        f"INSERT INTO {stamp_table} AS s (idea_id, counted, matched_at) "
        f"SELECT e.idea_id, {counted}, CASE WHEN o.matched_at IS NULL OR o.matched_at < i.updated_at "
        "THEN %s ELSE o.matched_at END "
        f"FROM {Embedding._meta.db_table} AS e JOIN {Idea._meta.db_table} AS i ON i.id = e.idea_id "
        f"LEFT JOIN {stamp_table} AS o ON o.idea_id = e.idea_id WHERE e.idea_id = ANY(%s) "
        f"AND (o.counted IS DISTINCT FROM {counted} OR o.matched_at IS NULL OR o.matched_at < i.updated_at) "
        "ON CONFLICT (idea_id) DO UPDATE SET counted = EXCLUDED.counted, matched_at = EXCLUDED.matched_at",
        [timezone.now(), ideas.owner_ids],
    )
    # NOT IN a subquery is looked up in a hash; NOT = ANY(array) compared every stamp with every
    # id, a fifth of a second at ten thousand ideas.
    background.execute(
        f"UPDATE {stamp_table} SET counted = '' "
        "WHERE counted <> '' AND idea_id NOT IN (SELECT unnest(%s::bigint[]))",
        [ideas.owner_ids],
    )
    state.company_ids = companies.owner_ids
    state.idea_count = sums.count
    state.similarity_sums = sums.total.tolist()
    state.similarity_squares = sums.squares.tolist()
    state.list_cutoffs = cutoffs.tolist()
    state.reserve_floors = floors.tolist()
    state.needs_full_refresh = False
    state.refreshed_at = timezone.now()


def _write_rows(
    *,
    idea_ids: list[int],
    total: list[float],
    squares: list[float],
    reserve: list[float],
    list_cutoff: list[float],
) -> None:
    """Insert or update ideas' sums, reserves and list cutoffs (`MatchingRow`)."""
    vector_store.execute(
        f"INSERT INTO {MatchingRow._meta.db_table} AS r (idea_id, total, squares, reserve, list_cutoff) "
        "SELECT * FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::float8[], %s::float8[]) "
        "ON CONFLICT (idea_id) DO UPDATE SET total = EXCLUDED.total, squares = EXCLUDED.squares, "
        "reserve = EXCLUDED.reserve, list_cutoff = EXCLUDED.list_cutoff",
        [
            list(map(int, idea_ids)),
            list(map(float, total)),
            list(map(float, squares)),
            list(map(float, reserve)),
            list(map(float, list_cutoff)),
        ],
    )


def _write_list_cutoffs(cutoffs: dict[int, float]) -> None:
    if not cutoffs:
        return
    vector_store.execute(
        f"UPDATE {MatchingRow._meta.db_table} AS r SET list_cutoff = u.list_cutoff "
        "FROM unnest(%s::bigint[], %s::float8[]) AS u(idea_id, list_cutoff) WHERE r.idea_id = u.idea_id",
        [list(cutoffs), [float(v) for v in cutoffs.values()]],
    )


def _state_sums(state: MatchingState) -> ranking.ColumnSums:
    return ranking.ColumnSums(
        count=state.idea_count,
        total=np.array(state.similarity_sums, dtype=np.float64),
        squares=np.array(state.similarity_squares, dtype=np.float64),
    )


def match_refresh_for_idea(*, idea_id: int) -> list[Match]:
    """Rank companies for one idea, and place the idea in each company's ranking (see the
    section's comment). Safe to run twice: an idea already counted is not counted again."""
    _refresh_idea(idea_id)
    return list(Match.objects.filter(idea_id=idea_id).shown().select_related("company"))


def _refresh_idea(idea_id: int) -> None:
    idea = Idea.objects.filter(pk=idea_id).only("status", "is_hidden").first()
    if idea is None:
        return
    if idea.status not in MATCHABLE_STATUSES or idea.is_hidden:
        _withdraw_idea(idea_id)
        return
    match_refresh_for_ideas(idea_ids=[idea_id])


def match_refresh_for_ideas(*, idea_ids: list[int]) -> set[int]:
    """Place several ideas in one pass under the matching lock: one read of the state, one
    scoring of their vectors against the companies, one write of the rows that change. Decides
    what placing them one by one (or a full refresh) decides. Ideas not matchable or without
    vectors are left to their own tasks. Returns the ideas placed (or placed already)."""
    with _matching_lock():
        placed = _place_ideas(idea_ids)
    if placed is None:
        match_refresh_all()
        return set(idea_ids) & set(matchable_ideas().filter(pk__in=idea_ids).values_list("pk", flat=True))
    return placed


def idea_embed_and_place(*, idea_id: int) -> None:
    """An idea's own task: embed it (with the new ideas waiting, `_embed_with_waiting`), then
    place it. A task that embedded a batch places the batch in one pass, and the batch's own
    tasks then find their ideas placed and write nothing (as a redelivered task does). If the
    batch's placement fails, each idea's own task still places it."""
    if _idea_placed(idea_id):
        return
    embedded = _embed_with_waiting(idea_id)
    if embedded - {idea_id} and idea_id in match_refresh_for_ideas(idea_ids=sorted(embedded | {idea_id})):
        return
    _refresh_idea(idea_id)


def _idea_placed(idea_id: int) -> bool:
    """Whether the idea is matchable, counted with vectors of its current text, model and scheme,
    and ranked since its last change: then its task has nothing to do. One query, compiled once
    per model: every task of a burst asks, and building the query took longer than running it."""
    sql, params = _idea_placed_query(encoding.model_name())
    with connection.cursor() as cursor:
        cursor.execute(sql, [idea_id if param == _ANY_IDEA else param for param in params])
        found = cursor.fetchone()
    if found is None:
        return False
    title, problem, proposal, text_hash, counted = found
    return (
        text_hash == content_hash(idea_passages(title=title, problem=problem, proposal=proposal))
        and counted == f"{text_hash}:{SCHEMES['idea']}"
    )


# The idea id `_idea_placed_query` is compiled with, replaced by the one asked about; no idea has it.
_ANY_IDEA = -7_301_911


@functools.cache
def _idea_placed_query(model_name: str) -> tuple[str, tuple]:
    query = (
        matchable_ideas()
        .filter(
            pk=_ANY_IDEA,
            embedding__model_name=model_name,
            embedding__scheme=SCHEMES["idea"],
            embedding__pilot_margin__isnull=False,
            matching_stamp__matched_at__gte=F("updated_at"),
        )
        .values_list("title", "problem", "proposal", "embedding__text_hash", "matching_stamp__counted")
    )
    sql, params = query.query.sql_with_params()
    assert params.count(_ANY_IDEA) == 1
    return sql, params


def _withdraw_idea(idea_id: int) -> None:
    with _matching_lock():
        Match.objects.filter(idea_id=idea_id, status=MatchStatus.SUGGESTED).delete()
        embedding = Embedding.objects.filter(idea_id=idea_id).first()
        counted_stamp = MatchingStamp.objects.filter(idea_id=idea_id).exclude(counted="")
        # Uncounted by the same statement that says whether it was counted.
        if embedding is None or not counted_stamp.update(counted=""):
            return
        # Its pairs leave the companies' lists and its row the statistics; other pairs' strengths
        # and the lists it leaves are reconciled by the sweep.
        MatchCandidate.objects.filter(idea_id=idea_id).delete()
        MatchingRow.objects.filter(idea_id=idea_id).delete()
        state = matching_state()
        companies = _cached_companies(state)
        if state.company_ids == companies.owner_ids and state.company_ids:
            row = ranking.similarity(load_embeddings([embedding], "idea_id").side, companies.side)
            sums = _state_sums(state).add(row, sign=-1)
            state.idea_count = sums.count
            state.similarity_sums = sums.total.tolist()
            state.similarity_squares = sums.squares.tolist()
        state.needs_full_refresh = True
        state.save()


def match_refresh_after_idea_deleted() -> int | None:
    """An idea was deleted (by its author), and its rows of the matcher with it. One the sums
    still counted (deleted before the withdrawal its rejection asked for had run) cannot be taken
    out of them as `_withdraw_idea` takes an idea out: its vectors are gone. Then everything is
    ranked afresh, at once. Returns how many matches that refresh wrote, or None if the sums did
    not count it."""
    if not _counts_a_deleted_idea():
        return None
    return match_refresh_all()


def _counted_but_not_matchable() -> list[int]:
    """Ideas the companies' sums count (each has its `MatchingRow`) that are no longer matchable:
    one join over the counted rows, empty when every change's withdrawal ran."""
    return list(
        MatchingRow.objects.filter(Q(idea__is_hidden=True) | ~Q(idea__status__in=MATCHABLE_STATUSES))
        .order_by("idea_id")
        .values_list("idea_id", flat=True)
    )


def _counts_a_deleted_idea() -> bool:
    """Whether the companies' sums count more ideas than there are counted ideas: each has its
    row (`MatchingRow`), which is deleted with it. One statement, so a placement committing
    meanwhile is seen whole or not at all."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT idea_count <> (SELECT count(*) FROM {MatchingRow._meta.db_table}) "
            f"FROM {MatchingState._meta.db_table} WHERE id = 1"
        )
        found = cursor.fetchone()
    return bool(found and found[0])


def _place_ideas(idea_ids: list[int]) -> set[int] | None:
    """Place some ideas under the matching lock, together; None when only a full refresh can (no
    state yet, the companies changed, pools too small to standardise, an idea re-embedded after
    it was counted). Returns the ideas placed, with those found counted and ranked since their
    last change (placed by another task), which are left as they are."""
    state = matching_state()
    companies = _cached_companies(state)
    embeddings = list(
        Embedding.objects.filter(
            idea_id__in=idea_ids,
            model_name=encoding.model_name(),
            idea__status__in=MATCHABLE_STATUSES,
            idea__is_hidden=False,
        )
        .only("id", "idea_id", "text_hash", "scheme", "pilot_margin")
        .annotate(
            idea_updated_at=F("idea__updated_at"),
            counted=F("idea__matching_stamp__counted"),
            matched_at=F("idea__matching_stamp__matched_at"),
        )
        .order_by("idea_id")
    )
    # No vectors yet: the idea's embedding task places it.
    if not embeddings:
        return set()
    if not state.company_ids or state.company_ids != companies.owner_ids:
        return None
    counted = {e.idea_id: e.counted or None for e in embeddings}
    if any(counted[e.idea_id] not in (None, _counted_key(e)) for e in embeddings):
        return None
    done: set[int] = {
        e.idea_id
        for e in embeddings
        if e.idea_id is not None
        and counted[e.idea_id]
        and e.matched_at is not None
        and e.matched_at >= e.idea_updated_at
    }
    batch = load_embeddings([e for e in embeddings if e.idea_id not in done], "idea_id")
    if not batch.owner_ids:
        return done
    placing = batch.owner_ids
    batch_similarity = ranking.similarity(batch.side, companies.side)
    sums_before = _state_sums(state)
    new_rows = [r for r, e in enumerate(batch.embeddings) if not counted[e.idea_id]]
    sums = sums_before.add(batch_similarity[new_rows]) if new_rows else sums_before
    if ranking.is_small_pool(len(companies.owner_ids), sums.count):
        return None
    stats_before, stats = sums_before.stats(), sums.stats()
    company_ids = companies.owner_ids
    column_of = companies.row_of()

    flipped = _flipped_pairs(company_ids, stats_before, stats, exclude=placing) if new_rows else []

    # The ideas placed, the ideas whose strength with some company changed, and the ideas
    # companies answered (for the feedback term), scored on the new scale.
    feedback_idea_ids = {
        idea
        for idea, company in Match.objects.filter(
            status__in=[MatchStatus.INTERESTED, MatchStatus.DISMISSED]
        ).values_list("idea_id", "company_id")
        if company in column_of
    }
    reranked_ideas = set(placing) | {i for i, _c in flipped}
    # The ideas placed were read above (and found matchable as they were); most placements move
    # no other pair across a threshold, and then they are all the scoring needs.
    ideas, similarity = batch, batch_similarity
    others = (reranked_ideas | feedback_idea_ids) - set(placing)
    if others:
        more = load_ideas(matchable_ideas().filter(pk__in=others))
        ideas = joined(batch, more)
        similarity = np.concatenate([batch_similarity, ranking.similarity(more.side, companies.side)])
    row_of = ideas.row_of()
    scores, blocked, _stats, levels = score_matrix(ideas, companies, stats, similarity=similarity)
    keys = ranking.ranking_key(scores, levels)
    rows = np.array([row_of[idea] for idea in placing])

    # The ideas' own candidates: pairs their rows allow above weak, and pairs good enough by
    # score to enter a company's list however the others move.
    floors = np.array(state.reserve_floors)
    own_row_levels = ranking.row_levels(scores[rows])
    own_candidates = ((own_row_levels > ranking.WEAK) | (scores[rows] >= floors[None, :])) & ~blocked[rows]
    at, columns = np.nonzero(own_candidates)
    vector_store.execute(
        f"INSERT INTO {MatchCandidate._meta.db_table} (idea_id, company_id, score, row_level) "
        "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::float8[], %s::smallint[]) "
        "ON CONFLICT (idea_id, company_id) DO UPDATE SET score = EXCLUDED.score, "
        "row_level = EXCLUDED.row_level",
        [
            np.array(placing, dtype=np.int64)[at].tolist(),
            np.array(company_ids, dtype=np.int64)[columns].tolist(),
            scores[rows[at], columns].astype(np.float64).tolist(),
            own_row_levels[at, columns].astype(int).tolist(),
        ],
    )

    # Companies whose list may change: one of the ideas beats its last listed idea, a pair of
    # another idea changed strength, or it lists one of the ideas now.
    cutoffs = np.array(state.list_cutoffs)
    own_keys = np.where(blocked[rows], -np.inf, keys[rows])
    affected = set(np.nonzero((own_keys > cutoffs[None, :]).any(axis=0))[0].tolist())
    affected |= {column_of[c] for _i, c in flipped}
    affected |= {
        column_of[c]
        for c in Match.objects.filter(idea_id__in=placing, rank_for_company__isnull=False).values_list(
            "company_id", flat=True
        )
        if c in column_of
    }
    company_lists, candidate_info = _company_lists([company_ids[c] for c in affected], stats, column_of)
    for c in affected:
        listed = company_lists[company_ids[c]]
        cutoffs[c] = listed[-1][0] if len(listed) >= settings.MATCHES_PER_COMPANY else -np.inf

    # Each re-ranked idea's own list, from its whole row.
    reranked_rows = [row_of[other] for other in sorted(reranked_ideas) if other in row_of]
    idea_lists: dict[int, list[int]] = {}
    if reranked_rows:
        at_rows = np.array(reranked_rows)
        tops = ranking.top_k(keys[at_rows], settings.MATCHES_PER_IDEA, 1, blocked[at_rows])
        for r, top in zip(reranked_rows, tops, strict=True):
            idea_lists[ideas.owner_ids[r]] = [company_ids[int(c)] for c in top]

    _write_placement(
        ideas=ideas,
        companies=companies,
        scores=scores,
        levels=levels,
        idea_lists=idea_lists,
        company_lists={company_ids[c]: company_lists[company_ids[c]] for c in affected},
        candidate_info=candidate_info,
        stats=stats,
    )
    kept_keys = np.where(blocked, -np.inf, keys)
    list_cutoffs = dict(
        zip(
            [ideas.owner_ids[r] for r in reranked_rows],
            _idea_list_cutoffs(kept_keys[reranked_rows]).tolist(),
            strict=True,
        )
    )
    _write_rows(
        idea_ids=placing,
        total=scores[rows].sum(axis=1, dtype=np.float64).tolist(),
        squares=np.square(scores[rows], dtype=np.float64).sum(axis=1).tolist(),
        reserve=np.where(own_candidates | blocked[rows], -np.inf, scores[rows])
        .max(axis=1, initial=-np.inf)
        .tolist(),
        list_cutoff=[list_cutoffs.pop(idea) for idea in placing],
    )
    _write_list_cutoffs(list_cutoffs)
    embedding_of = {e.idea_id: e for e in batch.embeddings}
    vector_store.execute(
        f"INSERT INTO {MatchingStamp._meta.db_table} (idea_id, counted, matched_at) "
        "SELECT u.idea_id, u.counted, %s FROM unnest(%s::bigint[], %s::text[]) AS u(idea_id, counted) "
        "ON CONFLICT (idea_id) DO UPDATE SET counted = EXCLUDED.counted, matched_at = EXCLUDED.matched_at",
        [timezone.now(), list(placing), [_counted_key(embedding_of[idea]) for idea in placing]],
    )
    state.idea_count = sums.count
    state.similarity_sums = sums.total.tolist()
    state.similarity_squares = sums.squares.tolist()
    state.list_cutoffs = cutoffs.tolist()
    if feedback_idea_ids:
        # The feedback term is normalised over all ideas; the sweep renormalises.
        state.needs_full_refresh = True
    state.save()
    return done | set(placing)


def _flipped_pairs(
    company_ids: list[int], before: ranking.ColumnStats, after: ranking.ColumnStats, exclude: list[int]
) -> list[tuple[int, int]]:
    """Candidate pairs whose strength changes when the companies' statistics move from
    `before` to `after`: those between each company's old and new cutoff, re-judged exactly."""
    low, high = [], []
    old_cut, new_cut = ranking.column_cutoffs(before), ranking.column_cutoffs(after)
    for level in (ranking.POSSIBLE, ranking.STRONG):
        low.append(np.minimum(old_cut[level], new_cut[level]))
        high.append(np.maximum(old_cut[level], new_cut[level]))
    # Widened by a hair so the exact re-judging below, not the query, decides at the boundary.
    margin = 1e-9
    rows = vector_store.fetch(
        # One range scan of the (company, score) index per band, whatever the planner guesses.
        "SELECT c.idea_id, c.company_id, c.score, c.row_level "
        "FROM unnest(%s::bigint[], %s::float8[], %s::float8[]) AS band(company_id, low, high) "
        f"CROSS JOIN LATERAL (SELECT * FROM {MatchCandidate._meta.db_table} m "
        # OFFSET 0 keeps the planner from flattening the scans into a hash join over the table.
        "WHERE m.company_id = band.company_id AND m.score BETWEEN band.low AND band.high OFFSET 0) c "
        "WHERE c.row_level > 0 AND NOT (c.idea_id = ANY(%s))",
        [
            company_ids * 2,
            (np.concatenate(low) - margin).tolist(),
            (np.concatenate(high) + margin).tolist(),
            exclude,
        ],
    )
    if not rows:
        return []
    column_of = {company: column for column, company in enumerate(company_ids)}
    columns = np.array([column_of[r[1]] for r in rows])
    score = np.array([r[2] for r in rows])
    row_level = np.array([r[3] for r in rows])
    old = ranking.levels_from_parts(score, row_level, before.mean[columns], before.std[columns])
    new = ranking.levels_from_parts(score, row_level, after.mean[columns], after.std[columns])
    return sorted({(rows[n][0], rows[n][1]) for n in np.nonzero(old != new)[0]})


def _company_lists(
    company_ids: list[int], stats: ranking.ColumnStats, column_of: dict[int, int]
) -> tuple[dict[int, list[tuple[float, int]]], dict[tuple[int, int], tuple[float, int]]]:
    """Each company's list, best first, as (ranking key, idea id), from its candidates; and the
    score and level of each candidate read."""
    lists: dict[int, list[tuple[float, int]]] = {company: [] for company in company_ids}
    info: dict[tuple[int, int], tuple[float, int]] = {}
    if not company_ids:
        return lists, info
    blocked = set(
        Match.objects.filter(company_id__in=company_ids, status=MatchStatus.DISMISSED).values_list(
            "idea_id", "company_id"
        )
    )
    rows = [
        row
        for row in MatchCandidate.objects.filter(
            company_id__in=company_ids, idea__in=matchable_ideas()
        ).values_list("idea_id", "company_id", "score", "row_level")
        if (row[0], row[1]) not in blocked
    ]
    if not rows:
        return lists, info
    columns = np.array([column_of[r[1]] for r in rows])
    score = np.array([r[2] for r in rows])
    level = ranking.levels_from_parts(
        score, np.array([r[3] for r in rows]), stats.mean[columns], stats.std[columns]
    )
    key = ranking.ranking_key(score, level)
    for n, (idea, company, _score, _row_level) in enumerate(rows):
        lists[company].append((float(key[n]), idea))
        info[(idea, company)] = (float(score[n]), int(level[n]))
    for listed in lists.values():
        listed.sort(reverse=True)
        del listed[settings.MATCHES_PER_COMPANY :]
    return lists, info


def _write_placement(
    *,
    ideas: Loaded,
    companies: Loaded,
    scores: np.ndarray,
    levels: np.ndarray,
    idea_lists: dict[int, list[int]],
    company_lists: dict[int, list[tuple[float, int]]],
    candidate_info: dict[tuple[int, int], tuple[float, int]],
    stats: ranking.ColumnStats,
    edited_company: int | None = None,
) -> None:
    """Write what changed: the re-ranked ideas' lists, the re-ranked companies' lists, and the
    strength of every pair re-judged. The edited company's rows kept are written again with
    their reasons, which quote its profile."""
    row_of, column_of = ideas.row_of(), companies.row_of()
    idea_rank = {(i, c): n for i, listed in idea_lists.items() for n, c in enumerate(listed, 1)}
    company_rank = {(i, c): n for c, listed in company_lists.items() for n, (_k, i) in enumerate(listed, 1)}
    # A pair entering a company's list may have its row already, ranked by its idea alone: that
    # row is read too, or the idea's rank would be taken for empty and written over.
    listed_ideas = sorted({i for listed in company_lists.values() for _k, i in listed})
    scope = (
        Q(idea_id__in=id_array(list(idea_lists)))
        | Q(company_id__in=list(company_lists), rank_for_company__isnull=False)
        | Q(company_id__in=list(company_lists), idea_id__in=id_array(listed_ideas))
    )
    existing = {
        (row[1], row[2]): row
        for row in Match.objects.filter(scope).values_list(
            "pk", "idea_id", "company_id", "status", "score", "rank_for_idea", "rank_for_company", "strength"
        )
        # The last term reads the cross of companies and ideas: only the pairs decided here.
        if row[1] in idea_lists or row[6] is not None or (row[1], row[2]) in company_rank
    }
    pairs = set(existing) | set(idea_rank) | set(company_rank)
    inserts: list[tuple] = []
    updates: list[tuple] = []
    to_delete: list[int] = []
    new_pairs: list[tuple[int, int]] = []
    rewrites: list[tuple] = []
    for pair in pairs:
        idea_id, company_id = pair
        written = existing.get(pair)
        rank_for_idea = idea_rank.get(pair) if idea_id in idea_lists else (written[5] if written else None)
        rank_for_company = (
            company_rank.get(pair) if company_id in company_lists else (written[6] if written else None)
        )
        if idea_id in row_of and company_id in column_of:
            r, c = row_of[idea_id], column_of[company_id]
            score, strength = float(scores[r, c]), _STRENGTHS[int(levels[r, c])].value
        elif pair in candidate_info:
            score, level = candidate_info[pair]
            strength = _STRENGTHS[level].value
        elif written is not None:
            score, strength = written[4], written[7]
        else:
            continue  # neither loaded nor a candidate, so listed nowhere
        if written is None:
            if rank_for_idea is None and rank_for_company is None:
                continue
            new_pairs.append(pair)
            inserts.append((idea_id, company_id, score, rank_for_idea, rank_for_company, None, strength))
            continue
        if rank_for_idea is None and rank_for_company is None and written[3] == MatchStatus.SUGGESTED:
            to_delete.append(written[0])
        elif company_id == edited_company:
            new_pairs.append(pair)
            rewrites.append((idea_id, company_id, score, rank_for_idea, rank_for_company, None, strength))
        elif _changed(
            written[4:], (idea_id, company_id, score, rank_for_idea, rank_for_company, None, strength)
        ):
            updates.append((written[0], score, rank_for_idea, rank_for_company, strength))

    if new_pairs:
        # Reasons need the ideas' passages; an idea entering a company's list from below may not
        # have been loaded.
        missing = {i for i, _c in new_pairs if i not in row_of}
        reason_ideas, reason_scores = ideas, scores
        if missing:
            reason_ideas = load_ideas(matchable_ideas().filter(pk__in=set(row_of) | missing))
            reason_scores, _b, _s, _l = score_matrix(reason_ideas, companies, stats)
        reason_row = reason_ideas.row_of()
        reasons = _reasons(
            reason_ideas,
            companies,
            [(reason_row[i], column_of[c]) for i, c in new_pairs],
            reason_scores,
        )
        inserts, rewrites = (
            [(*row[:5], reasons[(reason_row[row[0]], column_of[row[1]])], row[6]) for row in written_rows]
            for written_rows in (inserts, rewrites)
        )
    Match.objects.filter(pk__in=to_delete).delete()
    if updates:
        # The columns as binary arrays: printed into the statement, a profile edit's thousands of
        # moved ranks were each quoted and parsed back.
        vector_store.execute(
            f"UPDATE {Match._meta.db_table} AS m SET score = u.score, rank_for_idea = u.rank_for_idea, "
            "rank_for_company = u.rank_for_company, strength = u.strength, updated_at = now() "
            "FROM unnest(%s::bigint[], %s::float8[], %s::smallint[], %s::smallint[], %s::varchar[]) "
            "AS u(id, score, rank_for_idea, rank_for_company, strength) WHERE m.id = u.id",
            [list(column) for column in zip(*updates, strict=True)],
        )
    _upsert_matches(inserts + rewrites)
    _notify_strong_matches([row for row in inserts if row[6] == MatchStrength.STRONG and row[4]])
    shown = {
        i
        for (i, _c), rank in idea_rank.items()
        if rank is not None
        and (_STRENGTHS[int(levels[row_of[i], column_of[_c]])] in SHOWN_STRENGTHS if i in row_of else False)
    }
    ideas_mark_matched(idea_ids=shown)


def match_refresh_for_company(*, company_id: int) -> int:
    """After a profile's vectors are stored: its column was rescored with them
    (`company_vectors_store`) unless only a full refresh could, which runs here."""
    if matching_state().needs_full_refresh:
        return match_refresh_all()
    return 0


# --- A profile edit -------------------------------------------------------------------------
# The edited company's column is rescored against every counted idea; everything else a full
# refresh would change follows from that column:
#
# - its column sums are recomputed, so its pairs are judged on its new scale;
# - every idea's sums among companies (`MatchingRow`) move by the difference between the old and
#   new column, which moves each idea's row cutoffs a little. Candidate pairs between an idea's
#   old and new cutoff are found with one query and re-judged; a pair that is not a candidate can
#   only cross when the idea's cutoff falls to its reserve, and such an idea's whole row is
#   rescored;
# - an idea whose list may change (it listed the company, the company's new pair beats its last
#   listed one, or a pair above that changed strength) is rescored whole and re-ranked, and each
#   company whose list may change is re-ranked from its candidates.
#
# Company feedback scales with each company's spread over all ideas; with feedback given, a
# profile edit refreshes in full.


def _counted_company_vectors(state: MatchingState, company_id: int) -> Loaded | None:
    """The company's vectors the state counts, read before they are replaced; None when the edit
    cannot be reconciled column by column."""
    if state.needs_full_refresh or company_id not in state.company_ids:
        return None
    current = Embedding.objects.filter(company_id=company_id, model_name=encoding.model_name()).first()
    if current is None:
        return None
    return load_embeddings([current], "company_id")


def _rescore_company(*, state: MatchingState, company_id: int, before: Loaded) -> bool:
    """Under the matching lock, with the company's new vectors stored: bring every ranking to what
    a full refresh would write. False (nothing written) when only a full refresh can."""
    if Match.objects.filter(status__in=[MatchStatus.INTERESTED, MatchStatus.DISMISSED]).exists():
        return False
    # Every worker reloads its company vectors; this one at once.
    state.companies_version += 1
    companies = _cached_companies(state)
    if companies.owner_ids != state.company_ids or company_id not in companies.owner_ids:
        return False
    counted = list(
        MatchingRow.objects.order_by("idea_id").values_list(
            "idea_id", "total", "squares", "reserve", "list_cutoff"
        )
    )
    if len(counted) != state.idea_count or ranking.is_small_pool(len(companies.owner_ids), state.idea_count):
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {MatchingStamp._meta.db_table} AS s "
            f"JOIN {Embedding._meta.db_table} AS e ON e.idea_id = s.idea_id "
            "WHERE s.counted <> '' AND s.counted <> e.text_hash || ':' || e.scheme)"
        )
        if cursor.fetchone()[0]:
            return False  # an idea was embedded again after it was counted
    idea_ids = [row[0] for row in counted]
    ideas = _cached_ideas(idea_ids)
    if ideas.owner_ids != idea_ids:
        return False
    company_ids, column_of = companies.owner_ids, companies.row_of()
    c = column_of[company_id]
    n_companies = len(company_ids)
    per_company = settings.MATCHES_PER_COMPANY
    # Scores worked out here are compared with cutoffs and keys written from scores of other
    # batches, which differ in the last float32 bits: a pair at its own list's cutoff could
    # otherwise fall a hair below it, and its list would not be re-ranked.
    margin = SCORE_TOLERANCE

    old_column = ranking.similarity(ideas.side, before.side)[:, 0]
    new_column = ranking.similarity(ideas.side, _one_company(companies, c))[:, 0]
    sums = _state_sums(state)
    sums.total[c] = new_column.sum(dtype=np.float64)
    sums.squares[c] = np.square(new_column, dtype=np.float64).sum()
    stats = sums.stats()

    rows = np.array([row[1:] for row in counted], dtype=np.float64)
    old_total, old_squares, reserve, idea_cutoffs = rows.T
    total = old_total + new_column - old_column
    squares = old_squares + np.square(new_column) - np.square(old_column)
    old_mean, old_spread = ranking.row_stats(old_total, old_squares, n_companies)
    mean, spread = ranking.row_stats(total, squares, n_companies)

    # The company's column, judged on its new scale among the ideas' new cutoffs.
    column_row_level = ranking.row_levels_on(new_column, mean, spread)
    column_level = ranking.levels_from_parts(new_column, column_row_level, stats.mean[c], stats.std[c])
    column_key = ranking.ranking_key(new_column, column_level)
    floors = np.array(state.reserve_floors)
    floors[c] = (
        -np.partition(-new_column, per_company - 1)[per_company - 1]
        if len(idea_ids) > per_company
        else -np.inf
    )
    # A pair at a floor is a candidate however its score is summed (one column or a whole row).
    column_candidate = (column_row_level > ranking.WEAK) | (new_column >= floors[c] - SCORE_TOLERANCE)
    row_of = ideas.row_of()

    # Candidates of other companies between an idea's old and new row cutoffs, re-judged.
    low, high = [], []
    old_cut, new_cut = ranking.row_cutoffs(old_mean, old_spread), ranking.row_cutoffs(mean, spread)
    for level in (ranking.POSSIBLE, ranking.STRONG):
        low.append(np.minimum(old_cut[level], new_cut[level]) - margin)
        high.append(np.maximum(old_cut[level], new_cut[level]) + margin)
    banded = vector_store.fetch(
        "SELECT DISTINCT m.idea_id, m.company_id, m.score, m.row_level "
        f"FROM {MatchCandidate._meta.db_table} m "
        "JOIN unnest(%s::bigint[], %s::float8[], %s::float8[]) AS band(idea_id, low, high) "
        "ON m.idea_id = band.idea_id AND m.score BETWEEN band.low AND band.high WHERE m.company_id <> %s",
        [idea_ids * 2, np.concatenate(low).tolist(), np.concatenate(high).tolist(), company_id],
    )
    flips: list[tuple[int, int, int, float, float]] = []  # idea, company, new row level, old key, new key
    if banded:
        r = np.array([row_of[row[0]] for row in banded])
        columns = np.array([column_of[row[1]] for row in banded])
        score = np.array([row[2] for row in banded])
        old_row_level = np.array([row[3] for row in banded])
        new_row_level = ranking.row_levels_on(score, mean[r], spread[r])
        old_key = ranking.ranking_key(
            score, ranking.levels_from_parts(score, old_row_level, stats.mean[columns], stats.std[columns])
        )
        new_key = ranking.ranking_key(
            score, ranking.levels_from_parts(score, new_row_level, stats.mean[columns], stats.std[columns])
        )
        flips = [
            (banded[n][0], banded[n][1], int(new_row_level[n]), float(old_key[n]), float(new_key[n]))
            for n in np.nonzero(new_row_level != old_row_level)[0]
        ]

    # Ideas rescored whole: a pair that is not a candidate may cross, or the list may change.
    possible_floor = ranking.LEVEL_THRESHOLDS[ranking.POSSIBLE][2]
    whole = set(
        np.nonzero((reserve >= new_cut[ranking.POSSIBLE] - margin) & (reserve >= possible_floor - margin))[
            0
        ].tolist()
    )
    whole |= set(np.nonzero(column_key >= idea_cutoffs - margin)[0].tolist())
    whole |= {
        row_of[i]
        for i in Match.objects.filter(company_id=company_id, rank_for_idea__isnull=False).values_list(
            "idea_id", flat=True
        )
        if i in row_of
    }
    whole |= {row_of[i] for i, _c, _l, old, new in flips if max(old, new) >= idea_cutoffs[row_of[i]] - margin}
    whole_ids = [idea_ids[r] for r in sorted(whole)]
    # As one array: a profile edit rescores thousands of ideas whole.
    rescored = load_ideas(Idea.objects.filter(pk__in=id_array(whole_ids)))
    rescored_scores = ranking.similarity(rescored.side, companies.side)
    rescored_row_levels = ranking.row_levels(rescored_scores)
    rescored_levels = ranking.levels_from_parts(rescored_scores, rescored_row_levels, stats.mean, stats.std)
    rescored_keys = ranking.ranking_key(rescored_scores, rescored_levels)
    rescored_candidates = (rescored_row_levels > ranking.WEAK) | (
        rescored_scores >= floors[None, :] - SCORE_TOLERANCE
    )

    # Companies whose list may change.
    list_cutoffs = np.array(state.list_cutoffs)
    affected = {c}
    affected |= {
        column_of[company]
        for i, company, _l, old, new in flips
        if row_of[i] not in whole and max(old, new) >= list_cutoffs[column_of[company]] - margin
    }
    before_levels = np.zeros(rescored_scores.shape, dtype=np.int8)
    rescored_row = rescored.row_of()
    previous = list(
        MatchCandidate.objects.filter(idea_id__in=id_array(whole_ids)).values_list(
            "idea_id", "company_id", "score", "row_level"
        )
    )
    if previous:
        at_rows = np.array([rescored_row[row[0]] for row in previous])
        at_columns = np.array([column_of[row[1]] for row in previous])
        before_levels[at_rows, at_columns] = ranking.levels_from_parts(
            np.array([row[2] for row in previous]),
            np.array([row[3] for row in previous]),
            stats.mean[at_columns],
            stats.std[at_columns],
        )
    moved_rows, moved_columns = np.nonzero(before_levels != rescored_levels)
    moved_keys = np.maximum(ranking.ranking_key(rescored_scores, before_levels), rescored_keys)[
        moved_rows, moved_columns
    ]
    affected |= set(moved_columns[moved_keys >= list_cutoffs[moved_columns] - margin].tolist())

    # Write the candidates, the ideas' rows, then re-rank.
    candidate_table = MatchCandidate._meta.db_table
    vector_store.execute(
        f"DELETE FROM {candidate_table} WHERE company_id = %s OR idea_id = ANY(%s)", [company_id, whole_ids]
    )
    kept = column_candidate.copy()
    kept[sorted(whole)] = False
    kept_rows = np.nonzero(kept)[0]
    new_rows, new_columns = np.nonzero(rescored_candidates)
    ids_of_ideas = np.array(idea_ids, dtype=np.int64)
    ids_of_companies = np.array(company_ids, dtype=np.int64)
    rescored_ids = np.array(rescored.owner_ids, dtype=np.int64)
    vector_store.copy_arrays(
        table=candidate_table,
        columns=_CANDIDATE_COLUMNS,
        arrays=[
            np.concatenate([ids_of_ideas[kept_rows], rescored_ids[new_rows]]),
            np.concatenate(
                [np.full(len(kept_rows), company_id, dtype=np.int64), ids_of_companies[new_columns]]
            ),
            np.concatenate([new_column[kept_rows], rescored_scores[new_rows, new_columns]]),
            np.concatenate([column_row_level[kept_rows], rescored_row_levels[new_rows, new_columns]]),
        ],
    )
    updated = [(i, company, level) for i, company, level, _o, _n in flips if row_of[i] not in whole]
    if updated:
        vector_store.execute(
            f"UPDATE {candidate_table} AS m SET row_level = u.row_level "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::smallint[]) AS u(idea_id, company_id, row_level) "
            "WHERE m.idea_id = u.idea_id AND m.company_id = u.company_id",
            [list(column) for column in zip(*updated, strict=True)],
        )
    reserve = np.maximum(reserve, np.where(column_candidate, -np.inf, new_column))
    whole_rows = np.array(sorted(whole), dtype=int)
    if len(whole_rows):
        total[whole_rows] = rescored_scores.sum(axis=1, dtype=np.float64)
        squares[whole_rows] = np.square(rescored_scores, dtype=np.float64).sum(axis=1)
        reserve[whole_rows] = np.where(rescored_candidates, -np.inf, rescored_scores).max(
            axis=1, initial=-np.inf
        )
        idea_cutoffs = idea_cutoffs.copy()
        idea_cutoffs[whole_rows] = _idea_list_cutoffs(rescored_keys)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MatchingRow._meta.db_table}")
    vector_store.copy_arrays(
        table=MatchingRow._meta.db_table,
        columns=_ROW_COLUMNS,
        arrays=[ids_of_ideas, total, squares, reserve, idea_cutoffs],
    )

    company_lists, candidate_info = _company_lists([company_ids[k] for k in affected], stats, column_of)
    for k in affected:
        listed = company_lists[company_ids[k]]
        list_cutoffs[k] = listed[-1][0] if len(listed) >= per_company else -np.inf
    idea_lists = {
        rescored.owner_ids[r]: [company_ids[int(k)] for k in top]
        for r, top in enumerate(ranking.top_k(rescored_keys, settings.MATCHES_PER_IDEA, axis=1))
    }
    _write_placement(
        ideas=rescored,
        companies=companies,
        scores=rescored_scores,
        levels=rescored_levels,
        idea_lists=idea_lists,
        company_lists={company_ids[k]: company_lists[company_ids[k]] for k in affected},
        candidate_info=candidate_info,
        stats=stats,
        edited_company=company_id,
    )
    state.similarity_sums = sums.total.tolist()
    state.similarity_squares = sums.squares.tolist()
    state.reserve_floors = floors.tolist()
    state.list_cutoffs = list_cutoffs.tolist()
    state.needs_full_refresh = False
    state.save()
    return True


def _one_company(companies: Loaded, column: int) -> ranking.Side:
    span = companies.side.passage_range(column)
    return ranking.Side(
        doc=companies.side.doc[column : column + 1],
        passages=companies.side.passages[span],
        offsets=np.array([0, span.stop - span.start]),
    )


def matching_sweep(*, progress: Callable[..., Iterable[Any]] | None = None) -> dict:
    """Embed whatever is missing or stale and place it; refresh in full only when something
    placement does not reconcile exactly happened since the last full refresh. Cheap when
    nothing waits: a few indexed queries."""
    # Hidden, rejected or merged while counted, and the withdrawal its change asked for was lost
    # (the broker was unreachable when it committed): taken out now, as that task would have.
    for idea_id in _counted_but_not_matchable():
        _withdraw_idea(idea_id)
    state = matching_state()
    if not state.needs_full_refresh and _counts_a_deleted_idea():
        # Deleted while it was counted, and the refresh its deletion asked for was lost.
        MatchingState.objects.filter(pk=1).update(needs_full_refresh=True)
        state.needs_full_refresh = True
    # Vectors of another model or scheme, and ideas without a pilot margin, are re-embedded
    # (`stale_idea_ids`).
    outdated = (
        Embedding.objects.exclude(model_name=encoding.model_name())
        | Embedding.objects.exclude(scheme=EmbeddingScheme.SENTENCES)
        | Embedding.objects.filter(idea__isnull=False, pilot_margin__isnull=True)
    )
    if not (
        state.needs_full_refresh
        or outdated.exists()
        or _ideas_waiting(before=None)
        or _companies_waiting(before=None)
    ):
        return {"ideas_embedded": 0, "companies_embedded": 0, "matches": 0}
    return matching_sweep_full(progress=progress)


@transaction.atomic
def match_feedback(
    *,
    match: Match,
    user: User,
    status: str,
    message: str = "",
    proposal_plan: str = "",
    proposal_data_needed: str = "",
    proposal_duration_weeks: int | None = None,
) -> Match:
    """Record a company's answer to a match; "interested" carries a short pilot proposal and
    tells the idea's author. "suggested" takes back a "not a fit": the answer is cleared, so the
    matcher no longer holds the idea down for the company, and a full refresh is asked for at
    once to rank it again (the sweep's, if the broker cannot be reached).

    The answer is decided on the match as it stands under a row lock, not as the caller loaded
    it: two clicks on "Send my interest" (or two members) would each see it still suggested and
    tell the author twice."""
    locked = (
        Match.objects.select_for_update(of=("self",))
        .select_related("company", "idea__author")
        .filter(pk=match.pk)
        .first()
    )
    if locked is None:  # a suggestion the matcher dropped since the page was opened
        raise not_found(_("This match is no longer on the company's list."))
    match = locked
    if not match.company.is_member(user):
        raise forbidden(_("Only the company's members can answer its matches."))
    # Hidden, rejected or merged since the company's page was opened: off its list, and its author
    # is not to be told of an interest in it.
    if match.idea.status not in MATCHABLE_STATUSES or match.idea.is_hidden:
        raise not_found(_("This idea is no longer public: its matches can no longer be answered."))
    # The company's page asks no answer once the company takes part in a pilot of the idea, or the
    # city prepares one with it; one sent from a page opened before, or through the API, would
    # tell the author of an interest that is past.
    pilots = idea_pilots.pilots_of(idea_ids=[match.idea_id], user=user, company=match.company)
    on_card = pilots_on_card(pilots.get(match.idea_id, []), company_id=match.company_id)
    if on_card.own:
        raise conflict(
            _("Your company already takes part in this idea's pilot: answering its match changes nothing.")
        )
    if on_card.in_preparation:
        raise conflict(
            _(
                "The city is preparing a pilot of this idea with your company: answering its match "
                "changes nothing."
            )
        )
    if status not in (MatchStatus.INTERESTED, MatchStatus.DISMISSED, MatchStatus.SUGGESTED):
        raise ApplicationError(
            _("Choose interested or not a fit."), fields={"status": [_("Choose interested or not a fit.")]}
        )
    if status == MatchStatus.SUGGESTED:
        return _match_feedback_take_back(match)
    message, proposal_plan = message.strip(), proposal_plan.strip()
    proposal_data_needed = proposal_data_needed.strip()
    if status == MatchStatus.INTERESTED:
        # Clients written before proposals send only the short message; it stands as the plan.
        proposal_plan = proposal_plan or message
        message = message or proposal_plan
        if not proposal_plan:
            required = _("Tell the city briefly what you would pilot.")
            raise ApplicationError(required, fields={"proposal_plan": [required], "message": [required]})
        if proposal_duration_weeks is not None and not 1 <= proposal_duration_weeks <= PROPOSAL_MAX_WEEKS:
            duration = _("A pilot lasts from 1 to %(max)d weeks.") % {"max": PROPOSAL_MAX_WEEKS}
            raise ApplicationError(duration, fields={"proposal_duration_weeks": [duration]})
    else:
        # A proposal belongs to the interest; the message may still say why it is not a fit.
        proposal_plan = proposal_data_needed = ""
        proposal_duration_weeks = None
    newly_interested = status == MatchStatus.INTERESTED and match.status != MatchStatus.INTERESTED
    match.status = status
    match.message = message
    match.proposal_plan = proposal_plan
    match.proposal_data_needed = proposal_data_needed
    match.proposal_duration_weeks = proposal_duration_weeks
    match.feedback_by = user
    match.feedback_at = timezone.now()
    match.feedback_texts_hash = idea_texts_hash((p.field, p.text) for p in idea_content(match.idea))
    if status == MatchStatus.DISMISSED:
        match.rank_for_idea = None
        match.rank_for_company = None
    _save_answer(match, ranks_too=status == MatchStatus.DISMISSED)
    if newly_interested:
        _notify_author_of_interest(match)
    return match


def _match_feedback_take_back(match: Match) -> Match:
    if match.status == MatchStatus.SUGGESTED:
        return match  # taken back already (a second click, another member)
    if match.status != MatchStatus.DISMISSED:
        # The idea's author was told of the interest: it is withdrawn with the city, not undone.
        refused = _("Only a match marked not a fit can be put back among the suggestions.")
        raise ApplicationError(refused, fields={"status": [refused]})
    match.status = MatchStatus.SUGGESTED
    match.message = match.proposal_plan = match.proposal_data_needed = ""
    match.proposal_duration_weeks = None
    match.feedback_by = None
    match.feedback_at = None
    match.feedback_texts_hash = ""
    # Its ranks stay empty until the refresh places it again: until then it is listed nowhere.
    _save_answer(match, ranks_too=False)
    dispatch.feedback_taken_back()
    return match


# What a company's answer sets on a match; the matcher's own columns stay as the last refresh
# wrote them, but for a dismissal's emptied ranks.
_ANSWER_FIELDS = [
    "status",
    "message",
    "proposal_plan",
    "proposal_data_needed",
    "proposal_duration_weeks",
    "feedback_by",
    "feedback_at",
    "feedback_texts_hash",
    "updated_at",
]


def _save_answer(match: Match, *, ranks_too: bool) -> None:
    fields = [*_ANSWER_FIELDS, "rank_for_idea", "rank_for_company"] if ranks_too else _ANSWER_FIELDS
    save_validated(match, update_fields=fields)
    # An answer, given or taken back, moves the company's feedback term for every idea: the
    # sweep refreshes in full.
    MatchingState.objects.filter(pk=1).update(needs_full_refresh=True)


def _notify_author_of_interest(match: Match) -> None:
    author = match.idea.author
    with translation.override(author.preferred_language):
        notify(
            users=[author],
            kind=NotificationKind.NEW_INTEREST,
            title=_("%(company)s is interested in your idea “%(title)s”")
            % {"company": match.company.name, "title": match.idea.title},
            body=match.message,
            link=match.idea.get_absolute_url(),
            exclude=match.feedback_by,
        )


def matching_sweep_full(*, progress: Callable[..., Iterable[Any]] | None = None) -> dict:
    """Embed every stale idea and company, then refresh all matches. `progress` wraps iterables
    (a progress bar in the management command)."""
    wrap = progress or (lambda items, **kwargs: items)
    ideas, companies = stale_idea_ids(), stale_company_ids()
    batches = [ideas[n : n + SWEEP_BATCH] for n in range(0, len(ideas), SWEEP_BATCH)]
    for batch in wrap(batches, desc="idea batches"):
        embedding_refresh_for_ideas(idea_ids=batch)
    for company_id in wrap(companies, desc="companies"):
        embedding_refresh_for_company(company_id=company_id)
    # A profile embedded above rescored its column as its vectors were stored, or marked the state.
    if matching_state().needs_full_refresh:
        matches = match_refresh_all()
    else:
        waiting = sorted(set(ideas) | set(matchable_ideas().filter(_unranked()).values_list("pk", flat=True)))
        # Placed in batches, as a task places the burst it claimed (after an outage many wait);
        # whatever a batch leaves (an idea withdrawn meanwhile) goes as its own task would take it.
        placed: set[int] = set()
        for start in range(0, len(waiting), SWEEP_BATCH):
            placed |= match_refresh_for_ideas(idea_ids=waiting[start : start + SWEEP_BATCH])
        for idea_id in waiting:
            if idea_id not in placed:
                _refresh_idea(idea_id)
        matches = Match.objects.filter(idea_id__in=waiting).shown().count()
    return {"ideas_embedded": len(ideas), "companies_embedded": len(companies), "matches": matches}


# How long a change may wait for its own task before it counts as lost: a task embeds and ranks
# one idea in seconds, so one still waiting this long was not enqueued (the broker was down when
# the row was saved) or its task died.
CATCH_UP_GRACE = datetime.timedelta(seconds=30)


def matching_catch_up() -> dict | None:
    """Sweep now if a change is still waiting for the matcher after CATCH_UP_GRACE; else nothing.

    Cheap when nothing waits (one query for ideas, and for companies a look at the few changed
    since their last embedding), so the worker runs it every MATCHING_CATCH_UP_SECONDS and rows
    saved during a broker outage are matched soon after the broker is back rather than at the
    next full sweep."""
    before = timezone.now() - CATCH_UP_GRACE
    if not (_ideas_waiting(before=before) or _companies_waiting(before=before)):
        return None
    result = matching_sweep()
    logger.info("Caught up with changes the matcher had missed: %s", result)
    return result


def _unranked() -> Q:
    """Ideas never ranked, or ranked before their last change (shown as "matching…")."""
    return Q(matching_stamp__matched_at__isnull=True) | Q(matching_stamp__matched_at__lt=F("updated_at"))


def _ideas_waiting(*, before: datetime.datetime | None) -> bool:
    """Ideas without vectors, and ideas shown as "matching…" (ranked before their last change)."""
    unranked = _unranked()
    return (
        Idea.objects.exclude(status=IdeaStatus.DRAFT)
        .filter(Q() if before is None else Q(updated_at__lt=before))
        .filter(Q(embedding__isnull=True) | (Q(status__in=MATCHABLE_STATUSES, is_hidden=False) & unranked))
        .exists()
    )


def _companies_waiting(*, before: datetime.datetime | None) -> bool:
    # A company changed since its vectors were written may have changed something else than its
    # text (verification, members), so only its content decides.
    changed = (
        Company.objects.filter(Q() if before is None else Q(updated_at__lt=before))
        .filter(Q(embedding__isnull=True) | Q(embedding__updated_at__lt=F("updated_at")))
        .prefetch_related("references")
        .select_related("embedding")
    )
    for company in changed:
        passages = company_content(company)
        embedding = getattr(company, "embedding", None)
        # A profile with nothing to embed has no vectors, and that is its settled state.
        if (passages or embedding is not None) and _is_stale(embedding, "company", passages):
            return True
    return False
