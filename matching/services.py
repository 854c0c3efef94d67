"""The matcher's writes: embeddings, match refreshes, feedback and duplicate statistics."""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from psycopg.types.json import Jsonb

from accounts.models import NotificationKind, User
from accounts.notifications import notify
from companies.models import Company
from core.errors import ApplicationError, forbidden
from core.services import save_validated
from ideas.models import MATCHABLE_STATUSES, Idea, IdeaStatus
from ideas.services import ideas_mark_matched

from . import encoding, vector_store
from .embeddings import (
    Loaded,
    load_companies,
    load_ideas,
    matchable_ideas,
)
from .engine import ranking
from .engine.passages import Passage as TextPassage
from .engine.passages import company_passages, idea_passages
from .models import (
    PROPOSAL_MAX_WEEKS,
    SHOWN_STRENGTHS,
    Embedding,
    EmbeddingScheme,
    Match,
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


def company_content(company: Company) -> list[TextPassage]:
    return company_passages(
        summary=company.summary,
        description=company.description,
        technologies=list(company.technologies),
        domains=list(company.domains),
        references=[(ref.title, ref.description) for ref in company.references.all()],
    )


# The whole text and each passage are read alone, for ideas and profiles alike
# (`encoding.encode_documents`).
SCHEMES = {"idea": EmbeddingScheme.SENTENCES, "company": EmbeddingScheme.SENTENCES}


def _is_stale(embedding: Embedding | None, owner_field: str, passages: list[TextPassage]) -> bool:
    return (
        embedding is None
        or embedding.text_hash != content_hash(passages)
        or embedding.scheme != SCHEMES[owner_field]
    )


_PASSAGE_COLUMNS = [
    ("embedding_id", "bigint"),
    ("position", "smallint"),
    ("field", "varchar"),
    ("text", "text"),
    ("vector", "vector"),
]


def _save_vectors(
    *, owner_field: str, items: list[tuple[object, list[TextPassage], np.ndarray, np.ndarray]]
) -> list[Embedding]:
    """Write the vectors of any number of ideas or companies in three statements: an upsert of
    their embeddings, a delete of their old passages, and a binary COPY of the new ones. Each item
    is (owner, passages, whole-text vector, passage vectors)."""
    model = encoding.model_name()
    with transaction.atomic():
        embeddings = Embedding.objects.bulk_create(
            [
                Embedding(
                    **{owner_field: owner},
                    model_name=model,
                    text_hash=content_hash(passages),
                    scheme=SCHEMES[owner_field],
                    vector=document_vector,
                )
                for owner, passages, document_vector, _vectors in items
            ],
            update_conflicts=True,
            unique_fields=[owner_field],
            update_fields=["model_name", "text_hash", "scheme", "vector", "updated_at"],
        )
        Passage.objects.filter(embedding__in=[e.pk for e in embeddings]).delete()
        vector_store.copy_rows(
            table=Passage._meta.db_table,
            columns=_PASSAGE_COLUMNS,
            rows=(
                (embedding.pk, n, passage.field, passage.text, vectors[n])
                for embedding, (_owner, passages, _document, vectors) in zip(embeddings, items, strict=True)
                for n, passage in enumerate(passages)
            ),
        )
    return embeddings


def embedding_refresh_for_ideas(*, idea_ids: list[int]) -> int:
    """Embed many ideas with one model call and one write: batching across ideas keeps the
    model busy with full batches instead of one idea's few sentences. Returns how many were
    (re)computed."""
    ideas = list(Idea.objects.filter(pk__in=idea_ids).select_related("embedding"))
    pending = []
    for idea in ideas:
        passages = idea_content(idea)
        if passages and _is_stale(getattr(idea, "embedding", None), "idea", passages):
            pending.append((idea, passages))
    if not pending:
        return 0
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
    return len(pending)


def embedding_refresh_for_idea(*, idea_id: int) -> tuple[Embedding | None, bool]:
    computed = embedding_refresh_for_ideas(idea_ids=[idea_id]) > 0
    return Embedding.objects.filter(idea_id=idea_id).first(), computed


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
        Embedding.objects.filter(company=company).delete()
        return None, True
    [(document, vectors)] = encoding.encode_documents_cached([[p.text for p in passages]], kind="passage")
    [embedding] = _save_vectors(owner_field="company", items=[(company, passages, document, vectors)])
    return embedding, True


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


def _reasons(
    ideas: Loaded, companies: Loaded, pairs: list[tuple[int, int]], scores: np.ndarray
) -> dict[tuple[int, int], dict]:
    """Why each pair matched: the idea passage and company passage that met, and the company's
    next closest passages."""
    by_company: dict[int, list[int]] = {}
    for r, c in pairs:
        by_company.setdefault(c, []).append(r)
    reasons = {}
    for c, rows in by_company.items():
        # Best-scored ideas choose their evidence first.
        rows = sorted(rows, key=lambda r: -scores[r, c])
        cited: dict[int, int] = {}
        for r, evidence in zip(
            rows, ranking.best_passages_for_company(ideas.side, rows, companies.side, c), strict=True
        ):
            close = [e for e in evidence if e.similarity >= evidence[0].similarity - REASON_TIE]
            chosen = min(close, key=lambda e: cited.get(e.company_passage, 0))
            cited[chosen.company_passage] = cited.get(chosen.company_passage, 0) + 1
            reasons[(r, c)] = {
                "idea_field": ideas.side.fields[chosen.idea_passage],
                "idea_text": ideas.texts[chosen.idea_passage],
                "company_field": companies.side.fields[chosen.company_passage],
                "company_text": companies.texts[chosen.company_passage],
                "similarity": round(chosen.similarity, 4),
                "also": [
                    {
                        "field": companies.side.fields[e.company_passage],
                        "text": companies.texts[e.company_passage],
                    }
                    for e in evidence
                    if e is not chosen
                ],
            }
    return reasons


def _feedback(
    ideas: Loaded, companies: Loaded
) -> tuple[dict[int, list[int]], dict[int, list[int]], np.ndarray]:
    """Liked and disliked idea rows per company column, and the pairs to keep out."""
    idea_row, company_row = ideas.row_of(), companies.row_of()
    liked: dict[int, list[int]] = {}
    disliked: dict[int, list[int]] = {}
    blocked = np.zeros((ideas.side.size, companies.side.size), dtype=bool)
    feedback = Match.objects.filter(
        status__in=[MatchStatus.INTERESTED, MatchStatus.DISMISSED],
        company_id__in=companies.owner_ids,
    ).values_list("idea_id", "company_id", "status", "feedback_texts_hash")
    reopened = []
    for idea_id, company_id, status, texts_hash in feedback:
        if idea_id not in idea_row:
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
    ideas: Loaded, companies: Loaded, stats: ranking.ColumnStats | None = None
) -> tuple[np.ndarray, np.ndarray, ranking.ColumnStats, np.ndarray]:
    """Scores of every idea × company with feedback applied, the pairs kept out, each company's
    statistics and each pair's strength level: the production ranking."""
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
    refreshed_ideas: list[int],
) -> int:
    """Replace the suggestions within `scope`; rows carrying company feedback are kept."""
    reasons = _reasons(ideas, companies, list(ranks), scores)
    rows = [
        (
            ideas.owner_ids[r],
            companies.owner_ids[c],
            float(scores[r, c]),
            rank.get("idea"),
            rank.get("company"),
            Jsonb(reasons[(r, c)]),
            _STRENGTHS[int(levels[r, c])].value,
        )
        for (r, c), rank in ranks.items()
    ]
    new_pairs = {(row[0], row[1]) for row in rows}
    with transaction.atomic():
        to_delete: list[int] = []
        to_unrank: list[int] = []
        existing = set()
        for pk, idea_id, company_id, status in Match.objects.filter(scope).values_list(
            "pk", "idea_id", "company_id", "status"
        ):
            existing.add((idea_id, company_id))
            if (idea_id, company_id) in new_pairs:
                continue
            # A pair that fell out of the rankings is forgotten unless the company answered it.
            (to_delete if status == MatchStatus.SUGGESTED else to_unrank).append(pk)
        Match.objects.filter(pk__in=to_delete).delete()
        Match.objects.filter(pk__in=to_unrank).update(rank_for_idea=None, rank_for_company=None)
        _upsert_matches(rows)
        # An idea is matched once a company that fits is shown for it, not for weak possibilities.
        matched_ids = {row[0] for row in rows if row[3] is not None and row[6] in SHOWN_STRENGTHS}
        Embedding.objects.filter(idea_id__in=refreshed_ideas).update(matched_at=timezone.now())
        strong = [
            row
            for row in rows
            if (row[0], row[1]) not in existing and row[6] == MatchStrength.STRONG and row[4]
        ]
        _notify_strong_matches(strong)
        ideas_mark_matched(idea_ids=matched_ids)
    return len(rows)


def _notify_strong_matches(rows: list[tuple]) -> None:
    """Tell each company's members about ideas that newly and strongly match it."""
    from accounts.models import NotificationKind, User
    from accounts.notifications import notify

    by_company: dict[int, list[int]] = {}
    for idea_id, company_id, *_rest in rows:
        by_company.setdefault(company_id, []).append(idea_id)
    for company in Company.objects.filter(pk__in=by_company):
        ideas = list(Idea.objects.filter(pk__in=by_company[company.pk]).values_list("title", flat=True)[:3])
        notify(
            users=User.objects.filter(memberships__company=company),
            kind=NotificationKind.STRONG_MATCH,
            title=ngettext(
                "%(count)d new strong match for %(company)s",
                "%(count)d new strong matches for %(company)s",
                len(by_company[company.pk]),
            )
            % {"count": len(by_company[company.pk]), "company": company.name},
            body="\n".join(ideas),
            link=company.get_matches_url(),
        )


def _upsert_matches(rows: list[tuple]) -> None:
    """Insert or update suggestions in bulk through COPY: tens of thousands of rows with JSON
    reasons take seconds through the ORM, a fraction of one this way. Company answers (status,
    message) are never overwritten."""
    table = Match._meta.db_table
    vector_store.copy_then(
        table=table,
        columns=[
            ("idea_id", "bigint"),
            ("company_id", "bigint"),
            ("score", "double precision"),
            ("rank_for_idea", "smallint"),
            ("rank_for_company", "smallint"),
            ("reason", "jsonb"),
            ("strength", "varchar"),
        ],
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


def match_refresh_all() -> int:
    """Rescore every published idea against every verified company and rewrite the rankings."""
    with _matching_lock():
        ideas, companies = load_ideas(), load_companies()
        scores, blocked, stats, levels = score_matrix(ideas, companies)
        written = _write_matches(
            ideas,
            companies,
            scores,
            levels,
            _ranks(scores, levels, blocked),
            scope=Q(),
            refreshed_ideas=ideas.owner_ids,
        )
        for embedding, row in zip(companies.embeddings, stats.as_rows(), strict=True):
            embedding.score_stats = row
        Embedding.objects.bulk_update(companies.embeddings, ["score_stats"])
    return written


def match_refresh_for_idea(*, idea_id: int) -> list[Match]:
    """Rank companies for one idea, and place the idea in each company's ranking.

    Scores use each company's spread from the last full refresh, so the idea lands on the same
    scale as the others without rescoring them. Without such statistics it falls back to a full
    refresh.
    """
    idea = Idea.objects.filter(pk=idea_id).first()
    if idea is None:
        return []
    if idea.status not in MATCHABLE_STATUSES or idea.is_hidden:
        Match.objects.filter(idea=idea, status=MatchStatus.SUGGESTED).delete()
        return []
    with _matching_lock():
        companies = load_companies()
        stats = ranking.ColumnStats.from_rows([e.score_stats for e in companies.embeddings])
        if stats is not None:
            _place_idea(idea_id, companies, stats)
            return list(Match.objects.filter(idea_id=idea_id).shown().select_related("company"))
    match_refresh_all()
    return list(Match.objects.filter(idea_id=idea_id).shown().select_related("company"))


def _place_idea(idea_id: int, companies: Loaded, stats: ranking.ColumnStats) -> None:
    # The idea's own row plus the ideas the companies gave feedback on, for the feedback term.
    feedback_idea_ids = set(
        Match.objects.filter(status__in=[MatchStatus.INTERESTED, MatchStatus.DISMISSED]).values_list(
            "idea_id", flat=True
        )
    )
    ideas = load_ideas(matchable_ideas().filter(Q(pk=idea_id) | Q(pk__in=feedback_idea_ids)))
    if idea_id not in ideas.owner_ids:
        return
    row = ideas.owner_ids.index(idea_id)
    scores, blocked, _stats, levels = score_matrix(ideas, companies, stats)
    keys = ranking.ranking_key(scores, levels)

    ranks: dict[tuple[int, int], dict] = {}
    for rank, c in enumerate(
        ranking.top_k(keys[row : row + 1], settings.MATCHES_PER_IDEA, 1, blocked[row : row + 1])[0], 1
    ):
        ranks[(row, int(c))] = {"idea": rank}
    # Place the idea among each company's current top ideas.
    current: dict[int, list[tuple[float, int]]] = {}
    for company_id, other_idea, score, strength in (
        Match.objects.filter(rank_for_company__isnull=False, company_id__in=companies.owner_ids)
        .exclude(idea_id=idea_id)
        .values_list("company_id", "idea_id", "score", "strength")
    ):
        key = float(ranking.ranking_key(score, _LEVELS[MatchStrength(strength)]))
        current.setdefault(company_id, []).append((key, other_idea))
    company_updates: list[tuple[int, int, int | None]] = []
    for c, company_id in enumerate(companies.owner_ids):
        if blocked[row, c]:
            continue
        ladder = sorted(current.get(company_id, []) + [(float(keys[row, c]), idea_id)], reverse=True)
        ladder = ladder[: settings.MATCHES_PER_COMPANY]
        for rank, (_score, other_idea) in enumerate(ladder, start=1):
            if other_idea == idea_id:
                ranks.setdefault((row, c), {})["company"] = rank
            else:
                company_updates.append((company_id, other_idea, rank))
        pushed_out = {i for _s, i in current.get(company_id, [])} - {i for _s, i in ladder}
        for other_idea in pushed_out:
            company_updates.append((company_id, other_idea, None))

    _write_matches(
        ideas, companies, scores, levels, ranks, scope=Q(idea_id=idea_id), refreshed_ideas=[idea_id]
    )
    for company_id, other_idea, new_rank in company_updates:
        Match.objects.filter(company_id=company_id, idea_id=other_idea).update(rank_for_company=new_rank)
    Match.objects.filter(
        rank_for_idea__isnull=True, rank_for_company__isnull=True, status=MatchStatus.SUGGESTED
    ).filter(company_id__in=companies.owner_ids).delete()


def match_refresh_for_company(*, company_id: int) -> int:
    """A profile change can move the company up or down every idea's list: rescore everything.

    Profiles change rarely and the full refresh is vectorised (see `make bench`)."""
    return match_refresh_all()


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
    tells the idea's author."""
    if not match.company.is_member(user):
        raise forbidden(_("Only the company's members can answer its matches."))
    if status not in (MatchStatus.INTERESTED, MatchStatus.DISMISSED):
        raise ApplicationError(
            _("Choose interested or not a fit."), fields={"status": [_("Choose interested or not a fit.")]}
        )
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
    # The company's answer only: the matcher's own columns stay as the last refresh wrote them.
    save_validated(
        match,
        update_fields=[
            "status",
            "message",
            "proposal_plan",
            "proposal_data_needed",
            "proposal_duration_weeks",
            "feedback_by",
            "feedback_at",
            "feedback_texts_hash",
            "rank_for_idea",
            "rank_for_company",
            "updated_at",
        ],
    )
    if newly_interested:
        _notify_author_of_interest(match)
    return match


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


def matching_sweep(*, progress: Callable[..., Iterable[Any]] | None = None) -> dict:
    """Embed every stale idea and company, then refresh all matches. `progress` wraps iterables
    (a progress bar in the management command)."""
    wrap = progress or (lambda items, **kwargs: items)
    ideas, companies = stale_idea_ids(), stale_company_ids()
    batches = [ideas[n : n + SWEEP_BATCH] for n in range(0, len(ideas), SWEEP_BATCH)]
    for batch in wrap(batches, desc="idea batches"):
        embedding_refresh_for_ideas(idea_ids=batch)
    for company_id in wrap(companies, desc="companies"):
        embedding_refresh_for_company(company_id=company_id)
    matches = match_refresh_all()
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


def _ideas_waiting(*, before: datetime.datetime) -> bool:
    """Ideas without vectors, and ideas shown as "matching…" (ranked before their last change)."""
    unranked = Q(embedding__matched_at__isnull=True) | Q(embedding__matched_at__lt=F("updated_at"))
    return (
        Idea.objects.exclude(status=IdeaStatus.DRAFT)
        .filter(updated_at__lt=before)
        .filter(Q(embedding__isnull=True) | (Q(status__in=MATCHABLE_STATUSES, is_hidden=False) & unranked))
        .exists()
    )


def _companies_waiting(*, before: datetime.datetime) -> bool:
    # A company changed since its vectors were written may have changed something else than its
    # text (verification, members), so only its content decides.
    changed = (
        Company.objects.filter(updated_at__lt=before)
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
