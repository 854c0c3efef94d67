"""A company's card for an idea it said it is interested in shows the whole proposal it sent, so
its members know what was promised; an interest is not taken back from the card (the idea's
author was told of it: `match_feedback` refuses to undo it)."""

import pytest
from django.test import override_settings

from tests.matching.factories import InterestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_uncached")]


@pytest.fixture
def _uncached():
    with override_settings(PAGE_CACHE_SECONDS=0):
        yield


def _card(html: str, match) -> str:
    card = html[html.index(f'id="match-{match.pk}"') :]
    return card[: card.index("</li>")]


def test_the_card_shows_the_plan_the_data_the_duration_and_the_message(client, carol, idea, company):
    interest = InterestFactory(
        idea=idea,
        company=company,
        proposal_plan="복약 디스펜서 30대를 설치합니다.",
        proposal_data_needed="복약 시각 기록",
        proposal_duration_weeks=8,
        message="북구 30가구에서 실증할 수 있습니다.",
    )
    client.force_login(carol)

    card = _card(client.get("/companies/bitgoeul-care/matches/").content.decode(), interest)

    assert "실증 제안" in card
    for part in (
        "복약 디스펜서 30대를 설치합니다.",
        "복약 시각 기록",
        "약 8주",
        "북구 30가구에서 실증할 수 있습니다.",
    ):
        assert part in card, card
    assert 'value="suggested"' not in card  # no way back: the service keeps an interest


def test_a_proposal_sent_from_the_page_shows_its_plan_once(client, carol, idea, company):
    # The page sends no message of its own: the plan stands for it.
    interest = InterestFactory(
        idea=idea,
        company=company,
        proposal_plan="복약 알림 실증",
        message="복약 알림 실증",
        proposal_data_needed="",
        proposal_duration_weeks=None,
    )
    client.force_login(carol)

    card = _card(client.get("/companies/bitgoeul-care/matches/").content.decode(), interest)

    assert card.count("복약 알림 실증") == 1
    assert "필요한 데이터" not in card and "기간" not in card


def test_the_proposals_are_read_with_the_cards(client, carol, company, django_assert_max_num_queries):
    for _ in range(5):
        InterestFactory(company=company)
    client.force_login(carol)

    # Session, user, the memberships with their companies, the matches with their proposals, and
    # the company's pilots.
    with django_assert_max_num_queries(5):
        html = client.get("/companies/bitgoeul-care/matches/").content.decode()

    assert html.count("약 8주") == 5
