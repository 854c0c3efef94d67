"""The texts a service saves without the rest of its row (a rejection reason, a revision note, a
cancellation reason, a company's answer to a match) refuse control characters like every field,
and are held to the same length on the pages as in the API."""

import pytest
from django.test import Client

from ideas.models import Idea, IdeaStatus
from matching.models import Match, MatchStatus
from pilots.models import Pilot, PilotStage
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import MatchFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

ESCAPE = "광고성 글입니다 \x1b[31m"


@pytest.mark.parametrize(
    ("path", "field", "payload"),
    [
        ("reject", "reason", {"reason": ESCAPE}),
        ("request-revision", "note", {"note": ESCAPE}),
    ],
)
def test_moderation_texts_refuse_control_characters(api, staff_user, path, field, payload):
    idea = IdeaFactory(status=IdeaStatus.SUBMITTED)

    response = api(staff_user).post(f"/api/v1/ideas/{idea.pk}/{path}/", payload)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    saved = Idea.objects.get(pk=idea.pk)
    assert (saved.status, saved.rejection_reason, saved.moderation_note) == (IdeaStatus.SUBMITTED, "", "")


def test_a_cancellation_reason_refuses_control_characters(api, staff_user):
    pilot = PilotFactory(stage=PilotStage.RECRUITING)

    response = api(staff_user).post(
        f"/api/v1/pilots/{pilot.pk}/stage/", {"stage": PilotStage.CANCELLED, "reason": "예산 \x07 부족"}
    )

    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    assert Pilot.objects.get(pk=pilot.pk).stage == PilotStage.RECRUITING


def test_a_companys_answer_refuses_control_characters(api, carol, company):
    match = MatchFactory(company=company)

    response = api(carol).post(
        f"/api/v1/matches/{match.pk}/feedback/", {"status": MatchStatus.INTERESTED, "proposal_plan": ESCAPE}
    )

    assert response.status_code == 400
    assert Match.objects.get(pk=match.pk).status == MatchStatus.SUGGESTED


@pytest.mark.parametrize(("action", "field", "limit"), [("reject", "reason", 1000), ("revise", "note", 2000)])
def test_the_moderation_page_holds_its_texts_to_the_apis_length(staff_user, action, field, limit):
    idea = IdeaFactory(status=IdeaStatus.SUBMITTED)
    client = Client()
    client.force_login(staff_user)

    response = client.post(
        "/staff/moderation/", {"idea": idea.pk, "action": action, field: "가" * (limit + 1)}
    )

    assert response.status_code == 400
    assert f"{limit}자 이하로 써 주세요. 지금 {limit + 1}자입니다." in response.content.decode()
    saved = Idea.objects.get(pk=idea.pk)
    assert (saved.status, saved.rejection_reason, saved.moderation_note) == (IdeaStatus.SUBMITTED, "", "")


def test_the_pilot_page_holds_a_cancellation_reason_to_the_apis_length(staff_user):
    pilot = PilotFactory(stage=PilotStage.RECRUITING)
    client = Client()
    client.force_login(staff_user)

    response = client.post(
        f"/pilots/{pilot.pk}/manage/", {"action": "stage", "stage": "cancelled", "reason": "가" * 2001}
    )

    assert response.status_code == 400
    assert "2000자 이하로 써 주세요. 지금 2001자입니다." in response.content.decode()
    assert Pilot.objects.get(pk=pilot.pk).stage == PilotStage.RECRUITING
