"""A JSON body with a lone surrogate escape ("\\ud800") is refused as a body that cannot be read,
naming where it is, in the request's language: Python reads it into text that has no UTF-8, so an
answer repeating it (a choice field's "not a valid choice") could not be written at all."""

import json

import pytest

from accounts.models import Language, User
from ideas.models import Idea, Report
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

LONE = "\ud800"
MESSAGE_KO = "이 텍스트에는 문자를 나타내지 않는 단독 서로게이트(U+D800~U+DFFF)가 들어 있습니다."


def _post(client, path, data, method="post", language="ko"):
    # json.dumps writes a lone surrogate as the escape "\ud800", as a client's JSON would.
    return getattr(client, method)(
        path, json.dumps(data), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )


def _refused(response, field: str | None, message: str = MESSAGE_KO) -> bool:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("parse_error", "요청 본문을 읽을 수 없습니다.")
    assert error["fields"] == ({field: [message]} if field else {})
    return True


@pytest.mark.parametrize("field", ["category", "district"])
def test_an_idea_with_a_lone_surrogate_for_a_choice_is_refused(api, alice, field):
    idea = {
        "title": "버스 도착 알림",
        "problem": "정류장에 도착 안내가 없습니다.",
        "proposal": "도착 시간을 알려 주세요.",
        "category": "transport",
        "district": "buk_gu",
    }

    response = _post(api(alice), "/api/v1/ideas/", {**idea, field: LONE})

    assert _refused(response, field)
    assert not Idea.objects.exists()


def test_a_report_reason_with_a_lone_surrogate_is_refused(api, bob, idea):
    response = _post(api(bob), "/api/v1/reports/", {"idea": idea.pk, "reason": "abc" + LONE})

    assert _refused(response, "reason")
    assert not Report.objects.exists()


def test_the_message_follows_the_language(api, alice):
    response = _post(api(alice), "/api/v1/auth/me/", {"preferred_language": LONE}, "patch", "en")

    assert response.json()["error"]["fields"] == {
        "preferred_language": [
            "This text holds a lone surrogate (U+D800 to U+DFFF), which stands for no character."
        ]
    }
    alice.refresh_from_db()
    assert alice.preferred_language == Language.KOREAN


def test_a_sign_up_with_a_lone_surrogate_for_its_language_is_refused(api):
    response = _post(
        api(),
        "/api/v1/auth/signup/",
        {"username": "minji", "password": "a-long-passphrase", "preferred_language": LONE},
    )

    assert _refused(response, "preferred_language")
    assert not User.objects.filter(username="minji").exists()


def test_a_lone_surrogate_deep_in_a_body_is_named_by_its_path(api, staff_user, company):
    pilot = PilotFactory(companies=[company])
    field = {"code": "sys", "label": "수축기", "unit": "mmHg", "min": 1, "max": 2}

    response = _post(
        api(staff_user),
        f"/api/v1/pilots/{pilot.pk}/data-requests/",
        {"category_code": "bp", "category_label": "혈압", "fields": [field, {**field, "label": LONE}]},
    )

    assert _refused(response, "fields.1.label")


@pytest.mark.parametrize("body", [{LONE: 1}, LONE], ids=["key", "whole body"])
def test_a_lone_surrogate_in_a_key_or_as_the_body_names_no_field(api, alice, body):
    assert _refused(_post(api(alice), "/api/v1/ideas/", body), None)


def test_of_several_lone_surrogates_the_first_is_named(api, alice):
    body = {"title": LONE, "problem": LONE, "proposal": [LONE, "도착 시간을 알려 주세요.", LONE]}

    assert _refused(_post(api(alice), "/api/v1/ideas/", body), "title")
    assert _refused(_post(api(alice), "/api/v1/ideas/", {"proposal": body["proposal"]}), "proposal.0")
