"""The matcher's reads: ranked matches, duplicate candidates, matching state."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy
from pgvector.django import CosineDistance

from accounts.models import User
from companies.models import Company
from ideas.models import TITLE_MAX_LENGTH, Idea
from ideas.selectors import idea_page_flag_is_off

from . import embeddings as stored
from . import encoding
from .engine import ranking
from .engine.passages import idea_passages
from .idea_pilots import idea_pilots
from .models import SHOWN_STRENGTHS, Embedding, Match, MatchStatus, MatchStrength

# Candidates fetched by vector search before the finer passage comparison re-ranks them.
DUPLICATE_CANDIDATES = 30
# Index candidates examined per search (pgvector's default is 40).
HNSW_EF_SEARCH = 400
# Passage similarity (symmetric max-sim, 0..1) of two ideas, on one scale whatever their
# languages. On the development set's labelled pairs, Korean and English alike, every pair at or
# above LIKELY_SAME but one is the same idea, and pairs below RELATED share at most a topic; 90%
# of all pairs of ideas score below 0.27.
LIKELY_SAME = 0.40
RELATED = 0.30
# Between the two, where a duplicate written differently may still fall (one of the development
# set's 15 duplicate pairs scores 0.39), though most pairs here are different ideas near in
# words: of its 17 pairs from here to LIKELY_SAME one is the same idea, and of the demo data's 14
# none is. So staff are offered a merge from here up, but the pair is called a similar idea, not
# the same one. About 1.6% of all pairs of ideas reach it, against 4.7% for RELATED: in a city's
# thousands of ideas, every idea has dozens of merely related ones.
POSSIBLY_SAME = 0.35
# The lookup while a citizen types reads the title and only this many characters of the problem
# and of the proposal: whether someone proposes the same thing shows in the first sentences, and
# the model's time grows with the text (a full 2 x 5,000-character draft took 2.4 s of CPU). With
# the 120-character title that is at most about 720 characters, about 400 tokens of Korean
# (1.9 characters a token) and fewer of English: one pass of the model's 512-token window.
SIMILAR_TEXT_CHARS = 300


# An idea's ranking as its page shows it: the matcher ranked the company for it, the company did
# not turn it down, and staff have not withdrawn the company's verification (which takes it out
# at once, not at the matcher's next refresh). `_in_idea_ranking` is the same test in Python.
_IN_IDEA_RANKING = Q(rank_for_idea__isnull=False, company__is_verified=True) & ~Q(
    status=MatchStatus.DISMISSED
)


def _in_idea_ranking(match: Match) -> bool:
    return (
        match.rank_for_idea is not None
        and match.status != MatchStatus.DISMISSED
        and match.company.is_verified
    )


def matches_for_idea(*, idea: Idea, include_weak: bool = False) -> QuerySet[Match]:
    """The companies ranked for an idea: strong and possible matches, and with `include_weak`
    the weaker possibilities too. Verified companies only, as the matcher ranks them: one whose
    verification staff withdrew leaves the ranking at once, not at the matcher's next refresh."""
    matches = (
        Match.objects.filter(_IN_IDEA_RANKING, idea=idea).select_related("company").order_by("rank_for_idea")
    )
    return matches if include_weak else matches.confident()


def can_see_weak_matches(*, user: User | AnonymousUser) -> bool:
    """Weaker possibilities are for the people who judge them: city staff and companies. A
    company counts once staff verified it: anyone can register one, and the matcher ranks
    verified companies only."""
    return user.is_authenticated and (
        user.is_city_staff or user.memberships.filter(company__is_verified=True).exists()
    )


def matches_for_company(
    *,
    company: Company,
    category: str | None = None,
    district: str | None = None,
    status: str | None = None,
    include_weak: bool = False,
) -> QuerySet[Match]:
    """The company's ranked ideas (strong and possible; with `include_weak` the weaker ones too),
    plus every idea it answered (interested or not a fit). Each tells whether its idea has a pilot
    (`idea_has_pilot`), for `with_idea_pilots`."""
    matches = (
        Match.objects.filter(company=company, idea__in=stored.matchable_ideas())
        .filter(Q(rank_for_company__isnull=False) | ~Q(status=MatchStatus.SUGGESTED))
        .select_related("idea")
        .annotate(idea_has_pilot=idea_pilots.has_pilot())
        .order_by(F("rank_for_company").asc(nulls_last=True), "-score")
    )
    if not include_weak:
        matches = matches.confident()
    if category:
        matches = matches.filter(idea__category=category)
    if district:
        matches = matches.filter(idea__district=district)
    if status:
        matches = matches.filter(status=status)
    return matches


def with_idea_pilots(
    matches: list[Match], *, user: User | AnonymousUser, company: Company | None = None
) -> list[Match]:
    """`matches`, each with `pilots`: the pilots of its idea that `user` may see and that were not
    cancelled, newest first, and with `company` (whose matches these are) its pilots still in
    planning, which `user` may not open unless city staff (`IdeaPilot.is_visible`). Read in one
    query for all of them, and only for the ideas that have a pilot (`idea_has_pilot`, read with
    the matches by `matches_for_company`; a match read without it is asked for): most have none,
    and then nothing is asked."""
    asked = {match.idea_id for match in matches if getattr(match, "idea_has_pilot", True)}
    found = idea_pilots.pilots_of(idea_ids=asked, user=user, company=company)
    for match in matches:
        match.pilots = found.get(match.idea_id, [])  # type: ignore[attr-defined]
    return matches


@dataclass
class DuplicateCandidate:
    idea: Idea
    similarity: float  # passage similarity, 0..1

    @property
    def likely_duplicate(self) -> bool:
        return self.similarity >= LIKELY_SAME

    @property
    def likelihood(self) -> str:
        if self.likely_duplicate:
            return "same"
        return "possible" if self.similarity >= POSSIBLY_SAME else "related"

    @property
    def likelihood_label(self) -> str:
        return str(LIKELIHOOD_LABELS[self.likelihood])

    @property
    def is_related(self) -> bool:
        """Alike enough to be offered as a candidate at all (`RELATED`): a pair staff chose
        themselves may be less alike than that, and is then not called even a related idea."""
        return self.similarity >= RELATED

    def as_dict(self) -> dict:
        """The candidate as a worker sends it back: JSON, with the idea by id."""
        # A plain Python number: the ranking computes it as a numpy scalar.
        return {"idea_id": self.idea.pk, "similarity": float(self.similarity)}


LIKELIHOOD_LABELS = {
    "same": gettext_lazy("Very likely the same idea"),
    "possible": gettext_lazy("Similar idea"),
    "related": gettext_lazy("Related idea"),
}


def _rank_candidates(
    query: ranking.Side,
    query_row: int,
    candidates: list[Idea],
    limit: int,
    pool: stored.Loaded | None = None,
    floor: float = RELATED,
) -> list[DuplicateCandidate]:
    """Score candidates against one query idea; `pool` holds their vectors when several queries
    share candidates (the moderation queue), loaded once for all."""
    if not candidates:
        return []
    pool = pool or stored.load_embeddings([c.embedding for c in candidates], "idea_id")
    row_of = pool.row_of()
    kept = [c for c in candidates if c.pk in row_of]
    similarities = ranking.duplicate_scores(query, query_row, pool.side, [row_of[c.pk] for c in kept])
    results = [
        DuplicateCandidate(idea=idea, similarity=round(float(similarity), 4))
        for idea, similarity in zip(kept, similarities, strict=True)
        if similarity >= floor
    ]
    results.sort(key=lambda c: -c.similarity)
    return results[:limit]


def _candidates(vector: np.ndarray, exclude_idea_id: int | None) -> list[Idea]:
    return _candidates_for([(vector, exclude_idea_id)])[0]


def _candidates_for(searches: list[tuple[np.ndarray, int | None]]) -> list[list[Idea]]:
    """Nearest ideas by the HNSW index for each (vector, idea to leave out). The index holds
    companies, unpublished ideas and rows not yet vacuumed too, all filtered out after the scan,
    so it is asked for a wide beam."""
    found = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL hnsw.ef_search = %s", [HNSW_EF_SEARCH])
        for vector, exclude_idea_id in searches:
            nearest = Embedding.objects.filter(
                idea__in=stored.matchable_ideas(), model_name=encoding.model_name()
            )
            if exclude_idea_id is not None:
                nearest = nearest.exclude(idea_id=exclude_idea_id)
            embeddings = list(
                nearest.annotate(distance=CosineDistance("vector", vector))
                .order_by("distance")
                .select_related("idea")[:DUPLICATE_CANDIDATES]
            )
            ideas = [embedding.idea for embedding in embeddings if embedding.idea is not None]
            for embedding in embeddings:
                if embedding.idea is not None:
                    embedding.idea.embedding = embedding
            found.append(ideas)
    return found


def draft_excerpt(*, title: str = "", problem: str = "", proposal: str = "") -> dict[str, str]:
    """The part of a draft the similar-ideas lookup reads (`SIMILAR_TEXT_CHARS`)."""
    return {
        "title": title[:TITLE_MAX_LENGTH],
        "problem": problem[:SIMILAR_TEXT_CHARS],
        "proposal": proposal[:SIMILAR_TEXT_CHARS],
    }


def draft_has_text(*, title: str = "", problem: str = "", proposal: str = "") -> bool:
    """Whether a draft gives the lookup anything to read (an empty form does not)."""
    return bool(idea_passages(**draft_excerpt(title=title, problem=problem, proposal=proposal)))


def ideas_similar_to(
    *, title: str = "", problem: str = "", proposal: str = "", limit: int = 5
) -> list[DuplicateCandidate]:
    """Published ideas that may already say what a citizen is typing, across languages. Runs the
    model: the web process asks a worker for it (`matching.lookup`)."""
    fields = draft_excerpt(title=title, problem=problem, proposal=proposal)
    passages = idea_passages(**fields)
    if not passages:
        return []
    # Not cached: text typed letter by letter would fill the cache with drafts.
    [(document, vectors)] = encoding.encode_documents([[p.text for p in passages]], kind="query")
    query = ranking.Side(
        doc=document[None, :],
        passages=vectors,
        offsets=np.array([0, len(passages)]),
        fields=[p.field for p in passages],
    )
    return _rank_candidates(query, 0, _candidates(document, None), limit)


def similar_candidates(*, found: list[dict]) -> list[DuplicateCandidate]:
    """The candidates a worker's lookup found (`DuplicateCandidate.as_dict`), in its order, with
    their ideas loaded; an idea hidden or unpublished since is left out."""
    ideas = stored.matchable_ideas().in_bulk([row["idea_id"] for row in found])
    return [
        DuplicateCandidate(idea=ideas[row["idea_id"]], similarity=row["similarity"])
        for row in found
        if row["idea_id"] in ideas
    ]


def duplicates_for_idea(*, idea: Idea, limit: int = 5) -> list[DuplicateCandidate]:
    return duplicates_for_ideas(ideas=[idea], limit=limit)[idea.pk]


def duplicates_for_ideas(
    *, ideas: list[Idea], limit: int = 5, floor: float = RELATED
) -> dict[int, list[DuplicateCandidate]]:
    """Likely duplicates of several ideas (the moderation queue), down to the similarity `floor`.
    Their vectors, the index searches, the candidates' vectors and the duplicate statistics are
    each fetched once for the whole queue rather than once per idea."""
    embeddings = list(
        Embedding.objects.filter(idea__in=ideas, model_name=encoding.model_name()).defer("vector")
    )
    queries = stored.load_embeddings(embeddings, "idea_id")
    row_of = queries.row_of()
    embedded = [idea for idea in ideas if idea.pk in row_of]
    candidates = dict(
        zip(
            [idea.pk for idea in embedded],
            _candidates_for([(queries.side.doc[row_of[idea.pk]], idea.pk) for idea in embedded]),
            strict=True,
        )
    )
    pool_embeddings = {c.embedding.pk: c.embedding for found in candidates.values() for c in found}
    pool = stored.load_embeddings(list(pool_embeddings.values()), "idea_id")
    return {
        idea.pk: _rank_candidates(queries.side, row_of[idea.pk], candidates[idea.pk], limit, pool, floor)
        if idea.pk in candidates
        else []
        for idea in ideas
    }


def duplicate_candidate_between(*, idea: Idea, other: Idea) -> DuplicateCandidate | None:
    """`other` as a duplicate candidate of `idea`, scored as the moderation queue scores it
    whatever the floor, so the merge confirmation says how likely the two are the same; None
    while either has no vector of the current model yet."""
    embeddings = Embedding.objects.filter(idea__in=[idea, other], model_name=encoding.model_name())
    loaded = stored.load_embeddings(list(embeddings.defer("vector")), "idea_id", texts=False)
    row_of = loaded.row_of()
    if idea.pk not in row_of or other.pk not in row_of:
        return None
    similarity = ranking.duplicate_scores(loaded.side, row_of[idea.pk], loaded.side, [row_of[other.pk]])[0]
    # Rounded as the queue's candidates are, so a pair reads the same on both pages.
    return DuplicateCandidate(idea=other, similarity=round(float(similarity), 4))


def similarity_between(*, idea_a: Idea, idea_b: Idea) -> float:
    """How close two ideas are, on the scale of the duplicate candidates (`LIKELY_SAME`)."""
    query = stored.load_embeddings([Embedding.objects.get(idea=idea_a)], "idea_id")
    pool = stored.load_embeddings([Embedding.objects.get(idea=idea_b)], "idea_id")
    return float(ranking.duplicate_scores(query.side, 0, pool.side, [0])[0])


def can_see_interest_proposals(*, idea: Idea, user: User | AnonymousUser) -> bool:
    """The proposals are addressed to the city and the idea's author; other people see only
    which companies are interested."""
    return user.is_authenticated and (user.is_city_staff or idea.author_id == user.pk)


def idea_interest_list(*, idea: Idea, user: User | AnonymousUser) -> QuerySet[Match]:
    # An unverified company stays out of sight of the public until staff vouch for it.
    return (
        Match.objects.filter(
            idea=idea, status=MatchStatus.INTERESTED, company__in=Company.objects.visible_to(user)
        )
        .select_related("company")
        .order_by("feedback_at", "id")
    )


_ON_IDEA_PAGE = Q(rank_for_idea__isnull=False) | Q(status=MatchStatus.INTERESTED)
_ON_IDEA_PAGE_FIELDS = (
    "idea",
    "company",
    "score",
    "rank_for_idea",
    "reason",
    "strength",
    "status",
    "created_at",
)


def idea_page_has_matches() -> Exists:
    """Whether the idea (OuterRef("pk")) has matches for its page: read with the idea
    (`ideas.selectors.register_idea_page_flag`) as `has_page_matches`, most have none."""
    return Exists(Match.objects.filter(_ON_IDEA_PAGE, idea=OuterRef("pk")))


def _idea_page_matches(idea: Idea) -> list[Match]:
    """The idea's ranked matches (weaker ones too) and the companies' answers of interest, read
    once per idea object: the idea page's timeline, matches panel and interested companies all
    come from them, in separate template tags."""
    found = getattr(idea, "_page_matches", None)
    if found is None:
        found = (
            []
            if idea_page_flag_is_off(idea, "has_page_matches")
            else list(
                Match.objects.filter(idea=idea)
                .filter(_ON_IDEA_PAGE)
                .select_related("company")
                # What the page's panels and timeline read, not the proposals and profiles.
                .only(*_ON_IDEA_PAGE_FIELDS, "company__name", "company__slug", "company__is_verified")
            )
        )
        idea._page_matches = found  # type: ignore[attr-defined]
    return found


def idea_ranked_matches(*, idea: Idea) -> list[Match]:
    """`matches_for_idea(include_weak=True)`, from the idea page's one read."""
    return sorted(
        filter(_in_idea_ranking, _idea_page_matches(idea)),
        key=lambda m: m.rank_for_idea or 0,
    )


INTEREST_PROPOSAL_FIELDS = ("proposal_plan", "proposal_data_needed", "proposal_duration_weeks", "message")


def idea_page_interests(
    *, idea: Idea, user: User | AnonymousUser, with_proposals: bool = False
) -> list[Match]:
    """`idea_interest_list` for the idea page: asked only when some company answered with
    interest, so an idea without any costs no query. `with_proposals` reads each company's
    proposal in the same query (for those `can_see_interest_proposals` lets see them)."""
    if not any(m.status == MatchStatus.INTERESTED for m in _idea_page_matches(idea)):
        return []
    fields = (*_ON_IDEA_PAGE_FIELDS, "company__name", *(INTEREST_PROPOSAL_FIELDS if with_proposals else ()))
    return list(idea_interest_list(idea=idea, user=user).only(*fields))


def idea_first_matched_at(*, idea: Idea) -> datetime.datetime | None:
    """When the idea was first shown a company (a strong or possible match), for its timeline."""
    return min((m.created_at for m in idea_ranked_matches(idea=idea) if m.is_confident), default=None)


# A company staff may choose for an idea's pilot: one its page shows (in its ranking, strong or
# possible), or one that said it is interested, ranked or not (an interested match is never
# turned down), of a company still verified. `_for_pilot` is the same test in Python.
_FOR_PILOT = (_IN_IDEA_RANKING & Q(strength__in=SHOWN_STRENGTHS)) | Q(
    status=MatchStatus.INTERESTED, company__is_verified=True
)


def _for_pilot(match: Match) -> bool:
    return (_in_idea_ranking(match) and match.strength in SHOWN_STRENGTHS) or (
        match.status == MatchStatus.INTERESTED and match.company.is_verified
    )


def matches_for_pilot(*, idea: Idea) -> list[Match]:
    """The verified companies matched with the idea, as staff choose a pilot's: those its page
    shows (strong and possible), best first, and any that said it is interested, ranked or not."""
    return list(
        Match.objects.filter(_FOR_PILOT, idea=idea)
        .select_related("company")
        .order_by(F("rank_for_idea").asc(nulls_last=True), "company__name")
    )


def idea_has_company_for_pilot(*, idea: Idea) -> bool:
    """Whether `matches_for_pilot` has a company for the idea, from the idea page's one read:
    the page offers staff a pilot without a matched company less prominently."""
    return any(_for_pilot(match) for match in _idea_page_matches(idea))


def matchable_ideas_with_matches() -> dict[str, int]:
    """How many ideas the matcher pairs with companies (`ideas`), and how many of them have a
    company shown on their page as a strong match (`strong`) or as any match shown by default,
    strong or possible (`shown`). A pair counts as the idea's page shows it: ranked for the idea
    and not turned down by the company, of a company still verified. A company's interest in an
    idea the matcher did not rank is the company's answer, not a match, and is not counted here."""
    ranked = Match.objects.filter(_IN_IDEA_RANKING, idea=OuterRef("pk"))
    return (
        stored.matchable_ideas()
        .annotate(
            has_strong=Exists(ranked.filter(strength=MatchStrength.STRONG)),
            has_shown=Exists(ranked.filter(strength__in=SHOWN_STRENGTHS)),
        )
        .aggregate(
            ideas=Count("pk"),
            strong=Count("pk", filter=Q(has_strong=True)),
            shown=Count("pk", filter=Q(has_shown=True)),
        )
    )
