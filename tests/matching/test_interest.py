"""A company's interest in an idea: its pilot proposal, who sees it, and the author's notification."""

import pytest

from accounts.models import Notification, NotificationKind
from ideas.models import IdeaStatus
from matching.models import Match, MatchStatus
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.conftest import client_for
from tests.matching.factories import InterestFactory, MatchFactory
from tests.pilots.factories import PILOT_PERSONAS, PilotFactory, pilot_personas

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "status": "interested",
    "proposal_plan": "독거 어르신 30가구에 복약 디스펜서를 8주 동안 설치합니다.",
    "proposal_data_needed": "복약 시각, 보호자 연락처",
    "proposal_duration_weeks": 8,
}


@pytest.fixture
def match(idea, company):
    return MatchFactory(idea=idea, company=company)


def _feedback(user, match, payload):
    return client_for(user).post(f"/api/v1/matches/{match.pk}/feedback/", payload)


def test_interest_carries_a_pilot_proposal(carol, match):
    response = _feedback(carol, match, PROPOSAL)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "interested"
    assert body["proposal_plan"] == PROPOSAL["proposal_plan"]
    assert body["proposal_duration_weeks"] == 8
    match.refresh_from_db()
    assert (match.status, match.proposal_data_needed, match.proposal_duration_weeks) == (
        MatchStatus.INTERESTED,
        "복약 시각, 보호자 연락처",
        8,
    )
    # Without a separate note the plan is the message to the city.
    assert match.message == PROPOSAL["proposal_plan"]


def test_a_short_message_alone_still_stands_as_the_plan(carol, match):
    response = _feedback(carol, match, {"status": "interested", "message": "30가구 실증 가능"})

    assert response.status_code == 200
    match.refresh_from_db()
    assert (match.proposal_plan, match.message) == ("30가구 실증 가능", "30가구 실증 가능")


def test_interest_needs_a_plan(carol, match):
    response = _feedback(carol, match, {**PROPOSAL, "proposal_plan": "  "})

    assert response.status_code == 400
    assert "proposal_plan" in response.json()["error"]["fields"]
    assert Match.objects.get(pk=match.pk).status == MatchStatus.SUGGESTED


@pytest.mark.parametrize("weeks", [0, 105, -1])
def test_duration_is_between_one_and_104_weeks(carol, match, weeks):
    response = _feedback(carol, match, {**PROPOSAL, "proposal_duration_weeks": weeks})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["proposal_duration_weeks"]
    assert Match.objects.get(pk=match.pk).status == MatchStatus.SUGGESTED


def test_duration_may_be_left_open(carol, match):
    response = _feedback(carol, match, {**PROPOSAL, "proposal_duration_weeks": None})

    assert response.status_code == 200
    assert Match.objects.get(pk=match.pk).proposal_duration_weeks is None


def test_the_author_is_notified_once_of_new_interest(alice, carol, match, idea):
    _feedback(carol, match, PROPOSAL)
    _feedback(carol, match, {**PROPOSAL, "proposal_plan": "계획을 조금 고쳤습니다."})

    notifications = Notification.objects.filter(user=alice, kind=NotificationKind.NEW_INTEREST)
    assert notifications.count() == 1
    assert notifications.get().link == f"/ideas/{idea.pk}/"
    assert "빛고을케어" in notifications.get().title


def test_dismissing_drops_the_proposal(carol, match):
    _feedback(carol, match, PROPOSAL)

    response = _feedback(carol, match, {"status": "dismissed"})

    match.refresh_from_db()
    assert response.json()["status"] == "dismissed"
    assert (match.proposal_plan, match.proposal_data_needed, match.proposal_duration_weeks) == ("", "", None)


# --- GET /ideas/{id}/interests/ ---------------------------------------------------------------


@pytest.fixture
def everyone(personas, idea, company):
    return pilot_personas(personas, PilotFactory(idea=idea, companies=[company]))


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_everyone_sees_which_companies_are_interested_but_only_author_and_staff_see_proposals(
    everyone, idea, company, persona
):
    InterestFactory(idea=idea, company=company)

    response = client_for(everyone[persona]).get(f"/api/v1/ideas/{idea.pk}/interests/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["company"]["slug"], row["company"]["name"]) == ("bitgoeul-care", "빛고을케어")
    if persona in ("author", "staff"):
        assert row["proposal"]["proposal_plan"].startswith("복약 디스펜서 30대")
        assert row["proposal"]["proposal_duration_weeks"] == 8
    else:
        assert row["proposal"] is None


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_interests_of_an_unpublished_idea_are_hidden_like_the_idea(everyone, idea, company, persona):
    InterestFactory(idea=idea, company=company)
    idea.status = IdeaStatus.SUBMITTED
    idea.save()

    response = client_for(everyone[persona]).get(f"/api/v1/ideas/{idea.pk}/interests/")

    assert response.status_code == (200 if persona in ("author", "staff") else 404)


def test_only_interested_companies_are_listed(api, idea, company, other_company):
    InterestFactory(idea=idea, company=company)
    MatchFactory(idea=idea, company=other_company, status=MatchStatus.DISMISSED)
    MatchFactory(idea=idea, company=CompanyFactory(), status=MatchStatus.SUGGESTED)

    body = api().get(f"/api/v1/ideas/{idea.pk}/interests/").json()

    assert [row["company"]["slug"] for row in body["results"]] == ["bitgoeul-care"]


def test_an_unverified_company_is_shown_only_to_its_members_and_staff(api, idea, bob, staff_user):
    hidden = CompanyFactory(slug="not-yet", is_verified=False)
    member = MembershipFactory(company=hidden).user
    InterestFactory(idea=idea, company=hidden)

    def slugs(user):
        rows = api(user).get(f"/api/v1/ideas/{idea.pk}/interests/").json()["results"]
        return [row["company"]["slug"] for row in rows]

    assert slugs(None) == slugs(bob) == []
    assert slugs(member) == slugs(staff_user) == ["not-yet"]


def test_interests_query_count_is_flat(api, alice, idea, django_assert_num_queries):
    for _ in range(5):
        InterestFactory(idea=idea)

    # the idea, count, page with companies
    with django_assert_num_queries(3):
        response = api(alice).get(f"/api/v1/ideas/{idea.pk}/interests/")

    assert response.json()["count"] == 5
