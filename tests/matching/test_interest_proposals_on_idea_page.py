"""The idea page shows each interested company's pilot proposal to the people the interests API
shows it to (the idea's author and city staff); everyone else sees the companies' names only."""

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory
from tests.matching.factories import InterestFactory
from tests.pilots.factories import PILOT_PERSONAS, PilotFactory, pilot_personas

pytestmark = pytest.mark.django_db


def _page(user, idea) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    with override_settings(PAGE_CACHE_SECONDS=0):
        response = client.get(f"/ideas/{idea.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_the_author_and_staff_read_each_proposal_and_others_the_names_only(personas, idea, company, persona):
    # The pilot is another company's: one running it is named above the matches, not again
    # among the interested companies (test_pilot_companies_on_idea_page.py).
    everyone = pilot_personas(personas, PilotFactory(idea=idea, companies=[CompanyFactory()]))
    InterestFactory(
        idea=idea,
        company=company,
        proposal_plan="복약 디스펜서 30대를 설치합니다.\n보호자 앱으로 알립니다.",
        proposal_data_needed="복약 시각 기록",
        proposal_duration_weeks=8,
        message="북구 30가구에서 실증할 수 있습니다.",
    )

    html = _page(everyone[persona], idea)

    panel = html[html.index("관심을 보인 기업") :]
    assert "빛고을케어" in panel
    proposal = (
        "복약 디스펜서 30대를 설치합니다.<br>보호자 앱으로 알립니다.",
        "복약 시각 기록",
        "약 8주",
        "북구 30가구",
    )
    if persona in ("author", "staff"):
        assert all(part in panel for part in proposal), panel
        assert "아이디어 작성자와 시 담당자에게만 보입니다" in panel
    else:
        assert not any(part in html for part in proposal)


def test_a_message_that_only_repeats_the_plan_is_not_shown_twice(alice, idea, company):
    # As the company's page sends an interest: the plan stands for the message.
    InterestFactory(idea=idea, company=company, proposal_plan="복약 알림 실증", message="복약 알림 실증")

    html = _page(alice, idea)

    assert html.count("복약 알림 실증") == 1
    assert "시에 전하는 메시지" not in html


@pytest.mark.parametrize("interested", [1, 4])
def test_the_proposals_cost_the_author_no_query_more_than_the_names_cost_another_citizen(
    alice, bob, idea, interested
):
    for _ in range(interested):
        InterestFactory(idea=idea, company=CompanyFactory(), rank_for_idea=None, rank_for_company=None)

    def queries(user) -> int:
        with CaptureQueriesContext(connection) as captured:
            _page(user, idea)
        return len(captured.captured_queries)

    # Each reader's own rows (supports, follows) are asked the same way: only the proposals differ.
    assert queries(alice) == queries(bob) == queries(UserFactory())
