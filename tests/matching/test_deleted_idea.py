"""An idea its author deletes leaves the matcher as a full refresh without it would: its rows go
with it, and companies' statistics no longer count it. A rejected idea is normally taken out of
them by the withdrawal its rejection asks for; one deleted before that ran (or whose task was
lost) is taken out by a full refresh, asked for by the deletion or found by the sweep."""

import numpy as np
import pytest

from bench import synthetic_matching as synthetic
from ideas import services as idea_services
from ideas.models import Idea, IdeaStatus
from matching import services
from matching.models import (
    Embedding,
    Match,
    MatchCandidate,
    MatchingRow,
    MatchingStamp,
    MatchingState,
    Passage,
)
from matching.tasks import forget_deleted_idea
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    """Twenty companies and sixty published ideas with synthetic vectors, ranked in full; the
    first idea is Alice's."""
    rng = np.random.default_rng(7)
    centres = synthetic.topics(rng, 12)
    companies = synthetic.make_companies(20)
    synthetic.write_vectors(companies, rng, centres)
    author = UserFactory(username="alice")
    ideas = synthetic.make_ideas(author, 60)
    synthetic.write_vectors(ideas, rng, centres)
    services.match_refresh_all()
    return {"author": author, "idea": ideas[0]}


def _state() -> tuple[int, list[float], list[float]]:
    state = MatchingState.objects.get()
    return state.idea_count, state.similarity_sums, state.similarity_squares


def _as_from_scratch() -> tuple[int, list[float], list[float]]:
    """The statistics a full refresh computes from the ideas there are now."""
    MatchingState.objects.all().delete()
    services.match_refresh_all()
    return _state()


def _assert_same(state, expected) -> None:
    assert state[0] == expected[0]
    assert np.allclose(state[1], expected[1], rtol=0, atol=1e-6)
    assert np.allclose(state[2], expected[2], rtol=0, atol=1e-6)


def _delete(idea: Idea, author) -> int:
    idea_id = idea.pk
    idea_services.idea_delete(idea=idea, user=author)
    return idea_id


def _rows_of(idea_id: int) -> list[int]:
    return [
        model.objects.filter(**{field: idea_id}).count()
        for model, field in (
            (Embedding, "idea_id"),
            (Passage, "embedding__idea_id"),
            (Match, "idea_id"),
            (MatchCandidate, "idea_id"),
            (MatchingRow, "idea_id"),
            (MatchingStamp, "idea_id"),
        )
    ]


def test_an_idea_deleted_before_its_withdrawal_ran_is_taken_out_by_a_full_refresh(city):
    idea = city["idea"]
    assert MatchingRow.objects.filter(idea_id=idea.pk).exists()  # counted
    # Rejected; the withdrawal its rejection asked for has not run yet.
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.REJECTED)
    idea.refresh_from_db()

    idea_id = _delete(idea, city["author"])

    assert _rows_of(idea_id) == [0] * 6
    # The sums still count it, and its vectors are gone: nothing but a full refresh takes it out.
    assert MatchingState.objects.get().idea_count == 60 != MatchingRow.objects.count()

    assert forget_deleted_idea.apply(args=[idea_id], throw=True).result is not None

    state = _state()
    assert state[0] == 59 == MatchingRow.objects.count()
    assert not MatchingState.objects.get().needs_full_refresh
    _assert_same(state, _as_from_scratch())


def test_an_idea_withdrawn_at_its_rejection_is_deleted_without_a_refresh(city):
    idea = city["idea"]
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.REJECTED)
    services.match_refresh_for_idea(idea_id=idea.pk)  # the withdrawal its rejection asked for
    withdrawn = _state()
    idea.refresh_from_db()

    idea_id = _delete(idea, city["author"])

    assert forget_deleted_idea.apply(args=[idea_id], throw=True).result is None
    assert _rows_of(idea_id) == [0] * 6
    assert _state() == withdrawn
    assert withdrawn[0] == 59 == MatchingRow.objects.count()
    _assert_same(withdrawn, _as_from_scratch())


def test_a_draft_deleted_leaves_the_matcher_as_it_was(city):
    draft = Idea.objects.create(
        author=city["author"],
        title="아직 보내지 않은 생각",
        problem="정리 중인 문제입니다.",
        proposal="정리 중인 제안입니다.",
        category="other",
        district="citywide",
        status=IdeaStatus.DRAFT,
    )
    before = _state()

    idea_id = _delete(draft, city["author"])

    assert forget_deleted_idea.apply(args=[idea_id], throw=True).result is None
    assert _state() == before


def test_the_sweep_takes_out_an_idea_whose_deletion_task_was_lost(city):
    idea = city["idea"]
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.REJECTED)
    idea.refresh_from_db()
    _delete(idea, city["author"])  # the broker was down: no task

    services.matching_sweep()

    state = _state()
    assert state[0] == 59 == MatchingRow.objects.count()
    _assert_same(state, _as_from_scratch())


@pytest.mark.parametrize("change", [{"status": IdeaStatus.REJECTED}, {"is_hidden": True}])
def test_the_sweep_withdraws_an_idea_whose_withdrawal_task_was_lost(city, change):
    idea = city["idea"]
    shown_before = Match.objects.filter(idea_id=idea.pk).shown().count()
    assert shown_before  # it was on some companies' lists
    # Rejected or hidden while the broker was down: the withdrawal it asked for never ran.
    Idea.objects.filter(pk=idea.pk).update(**change)

    services.matching_sweep()

    assert not MatchingRow.objects.filter(idea_id=idea.pk).exists()
    assert not Match.objects.filter(idea_id=idea.pk).shown().exists()
    state = _state()
    assert state[0] == 59 == MatchingRow.objects.count()
    _assert_same(state, _as_from_scratch())


def test_the_sweep_finds_nothing_to_withdraw_when_every_withdrawal_ran(city):
    assert services._counted_but_not_matchable() == []
