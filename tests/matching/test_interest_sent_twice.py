"""A "Send my interest" clicked twice (or by two members at once): each request loaded the match
while it was still suggested, yet the idea's author is told of the interest once."""

import pytest
from django.db import connection

from accounts.models import Notification, NotificationKind
from core.errors import ApplicationError, ErrorKind
from matching import services
from matching.models import Match, MatchStatus
from tests.concurrency import second_while_first_is_open
from tests.matching.factories import MatchFactory

PROPOSAL = {"proposal_plan": "독거 어르신 30가구에 복약 디스펜서를 8주 동안 설치합니다."}


def _as_a_request_loads_it(match: Match) -> Match:
    return Match.objects.select_related("company", "idea__author").get(pk=match.pk)


def _interests_told(author) -> int:
    return Notification.objects.filter(user=author, kind=NotificationKind.NEW_INTEREST).count()


@pytest.mark.django_db
def test_a_second_click_on_a_match_loaded_before_the_first_was_saved_tells_the_author_once(
    alice, carol, company, idea
):
    match = MatchFactory(idea=idea, company=company)
    first_click, second_click = _as_a_request_loads_it(match), _as_a_request_loads_it(match)

    services.match_feedback(match=first_click, user=carol, status=MatchStatus.INTERESTED, **PROPOSAL)
    answered = services.match_feedback(
        match=second_click, user=carol, status=MatchStatus.INTERESTED, **PROPOSAL
    )

    assert answered.status == MatchStatus.INTERESTED
    assert Match.objects.get(pk=match.pk).status == MatchStatus.INTERESTED
    assert _interests_told(alice) == 1


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_wait_for_each_other_and_tell_the_author_once(alice, carol, company, idea):
    """The first answer holds its transaction open; the second must wait for it, then see the
    interest already sent (reading the row again without a lock would see it still suggested)."""
    match = MatchFactory(idea=idea, company=company)
    first_click, second_click = _as_a_request_loads_it(match), _as_a_request_loads_it(match)
    outcome = second_while_first_is_open(
        lambda: services.match_feedback(
            match=first_click, user=carol, status=MatchStatus.INTERESTED, **PROPOSAL
        ),
        lambda: services.match_feedback(
            match=second_click, user=carol, status=MatchStatus.INTERESTED, **PROPOSAL
        ),
        second_is_waiting=_waiting_for_a_row_lock,
    )

    assert not outcome.errors and not outcome.refusals, (outcome.errors, outcome.refusals)
    assert Match.objects.get(pk=match.pk).status == MatchStatus.INTERESTED
    assert _interests_told(alice) == 1


@pytest.mark.django_db
def test_a_suggestion_dropped_since_the_page_was_opened_is_answered_with_a_clear_error(carol, company, idea):
    match = MatchFactory(idea=idea, company=company)
    loaded = _as_a_request_loads_it(match)
    Match.objects.filter(pk=match.pk).delete()

    with pytest.raises(ApplicationError) as refused:
        services.match_feedback(match=loaded, user=carol, status=MatchStatus.INTERESTED, **PROPOSAL)

    assert refused.value.kind == ErrorKind.NOT_FOUND


def _waiting_for_a_row_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted)")
        return cursor.fetchone()[0]
