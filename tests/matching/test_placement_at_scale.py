"""Placing ideas one at a time decides what a full refresh on the same data decides: the same
lists for every idea and company, the same strengths, the same scores."""

import numpy as np
import pytest
from django.conf import settings

from bench import synthetic_matching as synthetic
from companies.models import Company
from ideas.models import Idea
from matching import services
from matching.embeddings import load_ideas
from matching.engine import ranking
from matching.engine.passages import Passage as TextPassage
from matching.models import (
    EMBEDDING_DIMENSIONS,
    Embedding,
    Match,
    MatchCandidate,
    MatchingRow,
    MatchingStamp,
    MatchingState,
)
from matching.tasks import embed_idea
from tests.accounts.factories import UserFactory
from tests.matching.conftest import IDEAS, make_idea

pytestmark = pytest.mark.django_db


def _decisions() -> dict[tuple[int, int], tuple]:
    return {
        (idea, company): (rank_for_idea, rank_for_company, strength)
        for idea, company, rank_for_idea, rank_for_company, strength in Match.objects.values_list(
            "idea_id", "company_id", "rank_for_idea", "rank_for_company", "strength"
        )
    }


def _scores() -> dict[tuple[int, int], float]:
    return {(i, c): s for i, c, s in Match.objects.values_list("idea_id", "company_id", "score")}


def _from_scratch() -> tuple[dict, dict]:
    """What a full refresh decides with nothing written before it."""
    Match.objects.all().delete()
    MatchCandidate.objects.all().delete()
    MatchingState.objects.all().delete()
    MatchingRow.objects.all().delete()
    services.match_refresh_all()
    return _decisions(), _scores()


@pytest.fixture
def city(db):
    rng = np.random.default_rng(3)
    # Few topics for many companies, so that each idea has companies standing out for it and
    # strengths other than weak are common enough to move.
    centres = synthetic.topics(rng, 20)
    companies = synthetic.make_companies(30)
    synthetic.write_vectors(companies, rng, centres)
    author = UserFactory()
    ideas = synthetic.make_ideas(author, 120)
    synthetic.write_vectors(ideas, rng, centres)
    return {"rng": rng, "centres": centres, "author": author}


def _moved_strengths(stats_before, stats_after, idea_ids) -> int:
    """How many candidate pairs of these ideas change strength between the two statistics."""
    state = MatchingState.objects.get()
    column_of = {company: n for n, company in enumerate(state.company_ids)}
    rows = list(
        MatchCandidate.objects.filter(idea_id__in=idea_ids).values_list("company_id", "score", "row_level")
    )
    columns = np.array([column_of[c] for c, _s, _l in rows])
    score, row_level = np.array([s for _c, s, _l in rows]), np.array([level for _c, _s, level in rows])
    before = ranking.levels_from_parts(
        score, row_level, stats_before.mean[columns], stats_before.std[columns]
    )
    after = ranking.levels_from_parts(score, row_level, stats_after.mean[columns], stats_after.std[columns])
    return int((before != after).sum())


def test_ideas_placed_one_by_one_are_ranked_as_a_full_refresh_ranks_them(city):
    services.match_refresh_all()
    old_ideas = list(Idea.objects.values_list("pk", flat=True))
    stats_first = services._state_sums(MatchingState.objects.get()).stats()
    newcomers = synthetic.make_ideas(city["author"], 60, start=1000)
    synthetic.write_vectors(newcomers, city["rng"], city["centres"])

    for idea in newcomers:
        services.match_refresh_for_idea(idea_id=idea.pk)
    placed, placed_scores = _decisions(), _scores()
    stats_placed = services._state_sums(MatchingState.objects.get()).stats()
    # The newcomers moved the companies' statistics enough to change the strength of pairs of
    # ideas placed before them: without re-judging those, placement would differ.
    assert _moved_strengths(stats_first, stats_placed, old_ideas) > 0
    assert sum(decision[2] in {"strong", "possible"} for decision in placed.values()) > 20

    _assert_as_a_full_refresh(placed, placed_scores, stats_placed)


def _assert_as_a_full_refresh(placed, placed_scores, stats_placed) -> None:
    refreshed, refreshed_scores = _from_scratch()
    assert placed == refreshed
    assert placed_scores.keys() == refreshed_scores.keys()
    assert max(abs(placed_scores[p] - refreshed_scores[p]) for p in placed_scores) < 1e-6
    refreshed_stats = services._state_sums(MatchingState.objects.get()).stats()
    assert np.allclose(stats_placed.mean, refreshed_stats.mean, rtol=0, atol=1e-7)
    assert np.allclose(stats_placed.std, refreshed_stats.std, rtol=0, atol=1e-7)


def test_ideas_placed_in_batches_are_ranked_as_a_full_refresh_ranks_them(city):
    services.match_refresh_all()
    old_ideas = list(Idea.objects.values_list("pk", flat=True))
    stats_first = services._state_sums(MatchingState.objects.get()).stats()
    newcomers = [idea.pk for idea in synthetic.make_ideas(city["author"], 60, start=1000)]
    synthetic.write_vectors(Idea.objects.filter(pk__in=newcomers), city["rng"], city["centres"])

    # As tasks that each claimed a batch place it: batches of a few ideas (each moving the
    # statistics under pairs of ideas placed before it, in other batches), and one idea alone.
    batches = [newcomers[n : n + 7] for n in range(0, 56, 7)] + [newcomers[56:59], newcomers[59:]]
    for batch in batches:
        assert services.match_refresh_for_ideas(idea_ids=batch) == set(batch)
    placed, placed_scores = _decisions(), _scores()
    state = MatchingState.objects.get()
    stats_placed = services._state_sums(state).stats()
    assert _moved_strengths(stats_first, stats_placed, old_ideas) > 0
    assert state.idea_count == 180 == MatchingRow.objects.count()
    assert not state.needs_full_refresh
    assert sum(decision[2] in {"strong", "possible"} for decision in placed.values()) > 20

    _assert_as_a_full_refresh(placed, placed_scores, stats_placed)


def _written() -> tuple:
    """Every row the matcher writes, with when it was written."""
    state = MatchingState.objects.values().get()
    return (
        sorted(Match.objects.values_list()),
        sorted(MatchCandidate.objects.values_list()),
        sorted(MatchingRow.objects.values_list()),
        sorted(Embedding.objects.values_list("pk", "updated_at")),
        sorted(MatchingStamp.objects.values_list()),
        state,
        sorted(Idea.objects.values_list("pk", "status", "updated_at")),
    )


def test_a_task_places_the_batch_it_claimed_in_one_pass_and_their_tasks_write_nothing(city, monkeypatch):
    services.match_refresh_all()
    stats_first = services._state_sums(MatchingState.objects.get()).stats()
    newcomers = [make_idea(key, author=city["author"]).pk for key in IDEAS]
    passes = []
    place_ideas = services._place_ideas
    monkeypatch.setattr(
        services, "_place_ideas", lambda idea_ids: passes.append(sorted(idea_ids)) or place_ideas(idea_ids)
    )

    embed_idea.apply(args=[newcomers[0]], throw=True)

    # One task embedded every new idea and placed them together.
    assert passes == [sorted(newcomers)]
    assert MatchingStamp.objects.filter(idea_id__in=newcomers, matched_at__isnull=False).count() == len(IDEAS)
    state = MatchingState.objects.get()
    assert state.idea_count == 120 + len(IDEAS) == MatchingRow.objects.count()
    written = _written()

    for idea_id in [*newcomers[1:], newcomers[0]]:  # the others' tasks, then one redelivered
        embed_idea.apply(args=[idea_id], throw=True)

    assert passes == [sorted(newcomers)]
    assert _written() == written
    placed, placed_scores = _decisions(), _scores()
    stats_placed = services._state_sums(state).stats()
    assert not np.allclose(stats_first.mean, stats_placed.mean, rtol=0, atol=1e-7)
    _assert_as_a_full_refresh(placed, placed_scores, stats_placed)


def test_when_a_batch_cannot_be_placed_each_task_places_its_own_idea(city, monkeypatch):
    services.match_refresh_all()
    newcomers = [make_idea(key, author=city["author"]).pk for key in IDEAS]
    place_ideas = services._place_ideas

    def failing_for_batches(idea_ids):
        if len(idea_ids) > 1:
            raise RuntimeError("the database went away")
        return place_ideas(idea_ids)

    monkeypatch.setattr(services, "_place_ideas", failing_for_batches)

    with pytest.raises(RuntimeError):
        services.idea_embed_and_place(idea_id=newcomers[0])

    # The batch's vectors were kept; nothing of it was counted.
    assert Embedding.objects.filter(idea_id__in=newcomers).count() == len(IDEAS)
    assert MatchingRow.objects.count() == MatchingState.objects.get().idea_count == 120
    for idea_id in newcomers:  # each task's retry, or its own task
        services.idea_embed_and_place(idea_id=idea_id)
    assert MatchingRow.objects.count() == MatchingState.objects.get().idea_count == 120 + len(IDEAS)
    placed, placed_scores = _decisions(), _scores()
    _assert_as_a_full_refresh(
        placed, placed_scores, services._state_sums(MatchingState.objects.get()).stats()
    )


def test_placing_an_idea_twice_changes_nothing(city):
    services.match_refresh_all()
    [idea] = synthetic.make_ideas(city["author"], 1, start=2000)
    synthetic.write_vectors([idea], city["rng"], city["centres"])
    services.match_refresh_for_idea(idea_id=idea.pk)
    state = MatchingState.objects.get()
    once = (_decisions(), state.idea_count, state.similarity_sums)

    services.match_refresh_for_idea(idea_id=idea.pk)

    state.refresh_from_db()
    assert (_decisions(), state.idea_count, state.similarity_sums) == once


def test_placement_writes_only_what_changed(city, django_assert_max_num_queries):
    services.match_refresh_all()
    before = dict(Match.objects.values_list("pk", "updated_at"))
    [idea] = synthetic.make_ideas(city["author"], 1, start=3000)
    synthetic.write_vectors([idea], city["rng"], city["centres"])

    services.match_refresh_for_idea(idea_id=idea.pk)

    after = dict(Match.objects.values_list("pk", "updated_at"))
    rewritten = [pk for pk in before if pk in after and after[pk] != before[pk]]
    assert len(rewritten) < settings.MATCHES_PER_COMPANY * 3
    assert Match.objects.filter(idea=idea, rank_for_idea=1).exists()


def test_a_sweep_with_nothing_stale_does_nothing(city, django_assert_max_num_queries):
    services.match_refresh_all()
    updated = dict(Match.objects.values_list("pk", "updated_at"))

    # One of them finds counted ideas no longer matchable, whose withdrawal task was lost.
    with django_assert_max_num_queries(6):
        result = services.matching_sweep()

    assert result == {"ideas_embedded": 0, "companies_embedded": 0, "matches": 0}
    assert dict(Match.objects.values_list("pk", "updated_at")) == updated


def _rows() -> dict[int, tuple[float, float, float]]:
    return {
        idea: (total, squares, list_cutoff)
        for idea, total, squares, list_cutoff in MatchingRow.objects.values_list(
            "idea_id", "total", "squares", "list_cutoff"
        )
    }


def test_profile_edits_rescore_one_column_as_a_full_refresh_would(city):
    _assert_profile_edits_as_a_full_refresh(city, edits=4)


def test_a_profile_edit_re_ranks_a_list_whose_last_pair_changed_strength(db):
    # Here the first edit moves the row cutoffs of an idea listed last by a company so that its
    # pair drops from strong to possible: the pair's key rescored differs from the list's
    # cutoff, written from another batch's scores, in the last float32 bits.
    rng = np.random.default_rng(20)
    centres = synthetic.topics(rng, 10)
    synthetic.write_vectors(synthetic.make_companies(50), rng, centres)
    author = UserFactory()
    synthetic.write_vectors(synthetic.make_ideas(author, 200), rng, centres)
    _assert_profile_edits_as_a_full_refresh({"rng": rng, "centres": centres, "author": author}, edits=1)


def _assert_profile_edits_as_a_full_refresh(city, *, edits: int) -> None:
    services.match_refresh_all()
    newcomers = synthetic.make_ideas(city["author"], 10, start=4000)
    synthetic.write_vectors(newcomers, city["rng"], city["centres"])
    for idea in newcomers:
        services.match_refresh_for_idea(idea_id=idea.pk)
    companies = list(Company.objects.order_by("pk")[:edits])
    before = _decisions()

    for company in companies:
        synthetic.edit_company(company, city["rng"], city["centres"])
        assert services.match_refresh_for_company(company_id=company.pk) == 0  # rescored, not refreshed
    state = MatchingState.objects.get()
    assert not state.needs_full_refresh
    edited, edited_scores, edited_rows = _decisions(), _scores(), _rows()
    edited_stats = services._state_sums(state).stats()
    # The edits moved lists beyond the edited companies' own pairs.
    assert {
        pair
        for pair in edited
        if pair[1] not in {c.pk for c in companies} and edited[pair] != before.get(pair)
    }
    refreshed, refreshed_scores = _from_scratch()

    assert edited == refreshed
    assert edited_scores.keys() == refreshed_scores.keys()
    assert max(abs(edited_scores[p] - refreshed_scores[p]) for p in edited_scores) < 1e-6
    refreshed_stats = services._state_sums(MatchingState.objects.get()).stats()
    assert np.allclose(edited_stats.mean, refreshed_stats.mean, rtol=0, atol=1e-7)
    assert np.allclose(edited_stats.std, refreshed_stats.std, rtol=0, atol=1e-7)
    refreshed_rows = _rows()
    assert edited_rows.keys() == refreshed_rows.keys()
    for idea, (total, squares, list_cutoff) in edited_rows.items():
        assert np.allclose((total, squares, list_cutoff), refreshed_rows[idea], rtol=0, atol=1e-6)


def test_a_profile_edit_writes_only_what_it_touches(city):
    services.match_refresh_all()
    company = Company.objects.order_by("pk").first()
    before = dict(Match.objects.exclude(company=company).values_list("pk", "updated_at"))

    synthetic.edit_company(company, city["rng"], city["centres"])

    after = dict(Match.objects.exclude(company=company).values_list("pk", "updated_at"))
    rewritten = [pk for pk in before if pk in after and after[pk] != before[pk]]
    assert len(rewritten) < len(before) / 4
    assert not MatchingState.objects.get().needs_full_refresh
    reasons = Match.objects.filter(company=company).values_list("reason", flat=True)
    assert reasons and all(reason["company_text"].endswith("edited") for reason in reasons)


def test_a_worker_keeps_idea_vectors_and_rereads_only_ideas_written_since(city):
    services.match_refresh_all()
    counted = sorted(MatchingRow.objects.values_list("idea_id", flat=True))
    kept = services._cached_ideas(counted)
    assert services._cached_ideas(counted) is kept  # nothing written since: nothing read again
    rewritten = Idea.objects.get(pk=counted[3])
    passages = [TextPassage(field, f"{field} {n} rewritten") for n, field in enumerate(synthetic.IDEA_FIELDS)]
    vectors = city["rng"].normal(size=(len(passages), EMBEDDING_DIMENSIONS)).astype(np.float32)
    services._save_vectors(owner_field="idea", items=[(rewritten, passages, vectors[0], vectors)])
    [newcomer] = synthetic.make_ideas(city["author"], 1, start=6000)
    synthetic.write_vectors([newcomer], city["rng"], city["centres"])

    wanted = [*counted[1:], newcomer.pk]
    fresh = services._cached_ideas(wanted)

    stored = load_ideas(Idea.objects.filter(pk__in=wanted), texts=False)
    assert fresh.owner_ids == stored.owner_ids == wanted
    assert np.array_equal(fresh.side.offsets, stored.side.offsets)
    assert np.array_equal(fresh.side.doc, stored.side.doc)
    assert np.array_equal(fresh.side.passages, stored.side.passages)
    row = fresh.owner_ids.index(rewritten.pk)
    assert np.array_equal(fresh.side.passages[fresh.side.passage_range(row)], vectors)


def test_loading_a_city_for_scoring_costs_the_same_queries_for_any_number_of_ideas(
    city, django_assert_max_num_queries
):
    # Each idea's pilot margin is part of its scores; read row by row it was one query an idea.
    with django_assert_max_num_queries(4):
        loaded = load_ideas()

    assert len(loaded.owner_ids) == 120
    assert loaded.side.offset is not None and np.isfinite(loaded.side.offset).all()


def test_a_sweep_places_the_ideas_it_finds_waiting_in_one_pass(city, monkeypatch):
    services.match_refresh_all()
    # Vectors stored but never placed: their tasks were lost (the broker was down).
    newcomers = [idea.pk for idea in synthetic.make_ideas(city["author"], 30, start=5000)]
    synthetic.write_vectors(Idea.objects.filter(pk__in=newcomers), city["rng"], city["centres"])
    passes = []
    place_ideas = services._place_ideas
    monkeypatch.setattr(
        services, "_place_ideas", lambda idea_ids: passes.append(sorted(idea_ids)) or place_ideas(idea_ids)
    )

    result = services.matching_sweep()

    assert passes == [sorted(newcomers)]
    assert result["matches"] == Match.objects.filter(idea_id__in=newcomers).shown().count() > 0
    state = MatchingState.objects.get()
    assert state.idea_count == 150 == MatchingRow.objects.count()
    _assert_as_a_full_refresh(_decisions(), _scores(), services._state_sums(state).stats())
