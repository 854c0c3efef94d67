"""Ordinary bad input is refused with a message in the user's language, never a server error:
an id that is no id (an altered page, a request typed by hand) and text with a NUL character,
which PostgreSQL cannot store."""

import pytest
from django.test import Client

from accounts.models import AuditEntry
from donations.services import consent_give
from ideas.models import Comment, Idea, IdeaStatus
from matching.models import MatchStatus
from pilots.models import PilotConsent, PilotUpdate
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import MatchFactory
from tests.pilots.factories import MilestoneFactory, PilotFactory, VolunteerFactory, data_request

pytestmark = pytest.mark.django_db

NOT_IDS = ["abc", "", "1.5", "-3", "99999999999999999999999"]
ALTERED = "양식이 불완전하거나 변경되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요."
NUL = "null 문자는 사용할 수 없습니다."


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("parent", ["abc", "1.5", "-3", "99999999999999999999999"])
def test_a_reply_to_a_comment_that_is_no_id(alice, idea, parent):
    response = _signed_in(alice).post(
        f"/ideas/{idea.pk}/comment/", {"body": "저도 같은 생각이에요", "parent": parent}
    )

    assert response.status_code == 400
    assert ALTERED in _page(response)
    assert "저도 같은 생각이에요" in _page(response)  # kept as typed
    assert not Comment.objects.exists()


@pytest.mark.parametrize("value", NOT_IDS)
def test_consent_to_a_data_request_that_is_no_id(alice, value):
    pilot = PilotFactory(idea=IdeaFactory(author=alice))
    data_request(pilot)
    VolunteerFactory(pilot=pilot, user=alice)

    response = _signed_in(alice).post(
        f"/pilots/{pilot.pk}/participation/",
        {"action": "consent", "data_request": value, "agree": "on"},
    )

    assert response.status_code == 400
    assert ALTERED in _page(response)
    assert not PilotConsent.objects.exists()


@pytest.mark.parametrize("value", NOT_IDS)
@pytest.mark.parametrize("page", ["pilot", "my-donations"])
def test_withdrawing_a_consent_that_is_no_id(alice, value, page):
    pilot = PilotFactory(idea=IdeaFactory(author=alice))
    volunteer = VolunteerFactory(pilot=pilot, user=alice)
    consent_give(volunteer=volunteer, data_request=data_request(pilot))
    path = f"/pilots/{pilot.pk}/participation/" if page == "pilot" else f"/me/donations/{pilot.pk}/withdraw/"

    response = _signed_in(alice).post(path, {"action": "withdraw", "data_request": value})

    assert response.status_code == 400
    assert ALTERED in _page(response)
    assert PilotConsent.objects.get().withdrawn_at is None


@pytest.mark.parametrize("value", NOT_IDS)
def test_an_answer_to_a_match_that_is_no_id(carol, company, value):
    match = MatchFactory(company=company)

    response = _signed_in(carol).post(
        f"/companies/{company.slug}/matches/", {"match": value, "answer": "dismissed"}
    )

    assert response.status_code == 400
    assert ALTERED in _page(response)
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED


@pytest.mark.parametrize("field", ["idea", "target"])
@pytest.mark.parametrize("value", NOT_IDS)
def test_a_moderation_decision_on_an_idea_that_is_no_id(staff_user, field, value):
    submitted = IdeaFactory(status=IdeaStatus.SUBMITTED)
    data = {"idea": submitted.pk, "target": IdeaFactory().pk, "action": "merge", field: value}

    response = _signed_in(staff_user).post("/staff/moderation/", data)

    assert response.status_code == 400
    assert ALTERED in _page(response)
    submitted.refresh_from_db()
    assert submitted.status == IdeaStatus.SUBMITTED


@pytest.mark.parametrize("action", ["reject", "revise"])
def test_a_reason_for_an_idea_that_is_no_id_is_refused_on_top(staff_user, action):
    data = {"idea": "abc", "action": action, "reason": "중복입니다", "note": "더 써 주세요"}

    response = _signed_in(staff_user).post("/staff/moderation/", data)

    assert response.status_code == 400
    assert ALTERED in _page(response)


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_milestone_that_is_no_id(staff_user, value):
    milestone = MilestoneFactory()

    response = _signed_in(staff_user).post(
        f"/pilots/{milestone.pilot_id}/manage/",
        {"action": "milestone_done", "milestone": value, "is_done": "1"},
    )

    assert response.status_code == 400
    assert ALTERED in _page(response)
    milestone.refresh_from_db()
    assert milestone.is_done is False


@pytest.mark.parametrize(
    "query", ["target_id=abc", "target_id=-1", "target_id=99999999999999999999999", "action=idea_teleport"]
)
def test_the_audit_log_refuses_filters_that_cannot_match(api, staff_user, idea, query):
    response = api(staff_user).get(f"/api/v1/audit/?{query}")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "아래 항목을 확인해 주세요."
    assert set(error["fields"]) == {query.split("=")[0]}


def test_the_audit_log_still_filters_by_target(api, staff_user, idea):
    from ideas.services import idea_publish

    other = IdeaFactory(status=IdeaStatus.SUBMITTED)
    idea.status = IdeaStatus.SUBMITTED
    idea.save()
    idea_publish(idea=idea, by=staff_user)
    idea_publish(idea=other, by=staff_user)

    response = api(staff_user).get(f"/api/v1/audit/?target_type=idea&target_id={idea.pk}&action=")

    assert response.status_code == 200
    assert [entry["target_id"] for entry in response.json()["results"]] == [idea.pk]
    assert AuditEntry.objects.count() == 2


# --- NUL characters ---------------------------------------------------------------------------


def test_a_nul_in_an_idea_submitted_on_the_page(alice):
    data = {
        "title": "버스\x00 도착 시간을 알려 주세요",
        "problem": "시골 정류장에는 안내판이 없어 오래 기다립니다.",
        "proposal": "버스 도착 시간을 예측해서 알려 주면 좋겠어요.",
        "category": "mobility",
        "district": "gwangsan_gu",
    }

    response = _signed_in(alice).post("/ideas/new/", data)

    assert response.status_code == 200
    assert NUL in _page(response)
    assert not Idea.objects.exists()


def test_a_nul_in_a_comment_on_the_page(alice, idea):
    response = _signed_in(alice).post(f"/ideas/{idea.pk}/comment/", {"body": "좋아요\x00"})

    assert response.status_code == 400
    assert NUL in _page(response)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("action", "field"), [("reject", "reason"), ("revise", "note")])
def test_a_nul_in_a_moderation_decision(staff_user, action, field):
    submitted = IdeaFactory(status=IdeaStatus.SUBMITTED)

    response = _signed_in(staff_user).post(
        "/staff/moderation/", {"idea": submitted.pk, "action": action, field: "중복\x00입니다"}
    )

    assert response.status_code == 400
    assert NUL in _page(response)
    submitted.refresh_from_db()
    assert submitted.status == IdeaStatus.SUBMITTED


@pytest.mark.parametrize(
    "data",
    [
        {"action": "update", "body": "설치를 마쳤습니다\x00"},
        {"action": "milestone", "title": "설치\x00", "due_date": "2026-07-01"},
        {"action": "stage", "stage": "cancelled", "reason": "예산\x00"},
    ],
    ids=["update", "milestone", "cancellation"],
)
def test_a_nul_in_pilot_management(staff_user, data):
    pilot = PilotFactory()

    response = _signed_in(staff_user).post(f"/pilots/{pilot.pk}/manage/", data)

    assert response.status_code == 400
    assert NUL in _page(response)
    pilot.refresh_from_db()
    assert (pilot.stage, pilot.milestones.count(), PilotUpdate.objects.count()) == ("recruiting", 0, 0)


@pytest.mark.parametrize(
    ("persona", "path", "data", "field"),
    [
        (
            "alice",
            "/api/v1/ideas/",
            {
                "title": "버스 도착\x00 시간",
                "problem": "정류장에 안내판이 없어요.",
                "proposal": "알려 주세요.",
            },
            "title",
        ),
        ("alice", "/api/v1/ideas/{idea}/comments/", {"body": "좋아요\x00"}, "body"),
        ("staff", "/api/v1/ideas/{submitted}/reject/", {"reason": "중복\x00"}, "reason"),
    ],
    ids=["idea", "comment", "rejection"],
)
def test_a_nul_in_the_api_is_a_field_error(api, alice, staff_user, idea, persona, path, data, field):
    submitted = IdeaFactory(status=IdeaStatus.SUBMITTED)
    user = {"alice": alice, "staff": staff_user}[persona]
    before = (Idea.objects.count(), Comment.objects.count())

    response = api(user).post(path.format(idea=idea.pk, submitted=submitted.pk), data)

    assert response.status_code == 400, response.content
    assert [m.strip() for m in response.json()["error"]["fields"][field]] == [NUL]
    assert (Idea.objects.count(), Comment.objects.count()) == before
    submitted.refresh_from_db()
    assert submitted.status == IdeaStatus.SUBMITTED


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/ideas/?q=%00", "q"),
        ("/api/v1/companies/?q=%00", "q"),
        ("/api/v1/audit/?target_type=%00", "target_type"),
    ],
)
def test_a_nul_in_an_api_query_is_a_field_error(api, staff_user, path, field):
    response = api(staff_user).get(path)

    assert response.status_code == 400
    assert [m.strip() for m in response.json()["error"]["fields"][field]] == [NUL]


@pytest.mark.parametrize("path", ["/ideas/?q=%00", "/companies/?q=%00"])
def test_a_nul_in_a_page_search_finds_nothing(client, path):
    IdeaFactory()

    response = client.get(path)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("ko", "목록에 있는 값을 골라 주세요. 고를 수 없는 값입니다: 아무거나"),
        ("en", "is not one of the available"),
    ],
)
def test_a_filter_choice_not_on_the_list_is_refused_in_the_sites_words(api, language, refusal):
    # Django's own Korean wrote "아무거나 이/가 선택가능항목에 없습니다." (core/django_texts.py).
    response = api().get("/api/v1/ideas/", {"category": "아무거나"}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["category"]
    assert refusal in message
    assert "이/가" not in message
