"""A company cannot answer a match once its idea is no longer public (hidden after reports,
rejected, merged): the idea is off its list, and its author must not be told of an interest in it."""

import pytest
from django.test import Client

from accounts.models import Notification, NotificationKind
from ideas.models import Idea, IdeaStatus
from matching.models import MatchStatus
from tests.conftest import client_for
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db

PROPOSAL = {"status": "interested", "proposal_plan": "독거 어르신 30가구에 복약 디스펜서를 설치합니다."}


@pytest.fixture
def match(idea, company):
    return MatchFactory(idea=idea, company=company, status=MatchStatus.DISMISSED)


@pytest.mark.parametrize("withdrawn", ["hidden", "rejected", "merged"])
def test_the_api_refuses_an_answer_once_the_idea_is_withdrawn(carol, match, withdrawn):
    change = {
        "hidden": {"is_hidden": True},
        "rejected": {"status": IdeaStatus.REJECTED, "rejection_reason": "개인정보"},
        "merged": {"status": IdeaStatus.MERGED, "merged_into": IdeaFactory()},
    }[withdrawn]
    Idea.objects.filter(pk=match.idea_id).update(**change)

    response = client_for(carol).post(f"/api/v1/matches/{match.pk}/feedback/", PROPOSAL)

    assert response.status_code == 404
    match.refresh_from_db()
    assert match.status == MatchStatus.DISMISSED
    assert not Notification.objects.filter(kind=NotificationKind.NEW_INTEREST).exists()


def test_the_page_says_why_an_answer_from_an_open_page_was_refused(carol, match, company):
    Idea.objects.filter(pk=match.idea_id).update(is_hidden=True)
    client = Client()
    client.force_login(carol)

    response = client.post(
        f"/companies/{company.slug}/matches/", {"match": match.pk, **PROPOSAL, "answer": ""}
    )

    assert response.status_code == 400
    assert "더 이상 공개되지 않는" in response.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.DISMISSED
    assert not Notification.objects.filter(kind=NotificationKind.NEW_INTEREST).exists()


def test_an_answer_on_a_public_idea_still_goes_through(carol, match):
    response = client_for(carol).post(f"/api/v1/matches/{match.pk}/feedback/", PROPOSAL)

    assert response.status_code == 200
    assert Notification.objects.filter(kind=NotificationKind.NEW_INTEREST).count() == 1
