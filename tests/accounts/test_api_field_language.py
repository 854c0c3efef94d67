"""The API's field names and field errors are in the language of the request that reads them,
whichever language was active when the code declaring them was first loaded."""

import json
import re

import pytest
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db

HANGUL = re.compile(r"[\uac00-\ud7a3]")

ACCOUNT_FIELD_TITLES = {
    "ko": {
        "SignUpInputRequest": {
            "username": "아이디",
            "email": "이메일",
            "password": "비밀번호",
            "display_name": "표시 이름",
            "preferred_language": "선호 언어",
        },
        "LoginInputRequest": {"username": "아이디", "password": "비밀번호"},
        "TokenInputRequest": {"username": "아이디", "password": "비밀번호"},
        "PasswordChangeInputRequest": {"old_password": "현재 비밀번호", "new_password": "새 비밀번호"},
        "NotificationReadInputRequest": {"ids": "알림"},
        "PreferenceRequest": {"kind": "종류", "in_app": "사이트 알림", "email": "이메일 알림"},
    },
    # The English schema leaves out a title that only repeats the field's name ("username");
    # the test below checks that none of those is left in Korean.
    "en": {
        "PasswordChangeInputRequest": {"old_password": "current password"},
        "NotificationReadInputRequest": {"ids": "notifications"},
        "PreferenceRequest": {"in_app": "in the app", "email": "by email"},
    },
}


def _schema(language: str) -> dict:
    response = APIClient().get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return json.loads(response.content)["components"]["schemas"]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_account_fields_are_named_in_the_language_of_the_request(language):
    components = _schema(language)

    titles = {
        component: {name: components[component]["properties"][name].get("title") for name in expected}
        for component, expected in ACCOUNT_FIELD_TITLES[language].items()
    }
    assert titles == ACCOUNT_FIELD_TITLES[language]


def test_no_field_of_the_english_schema_is_named_in_korean():
    components = _schema("en")

    korean = [
        f"{component}.{name}: {field['title']}"
        for component, schema in components.items()
        for name, field in schema.get("properties", {}).items()
        if HANGUL.search(field.get("title", ""))
    ]
    assert korean == []


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", "아이디에는 글자, 숫자, @ . + - _ 만 쓸 수 있고 띄어쓰기는 안 됩니다."),
        ("en", "Use only letters, digits and @ . + - _ in a username, no spaces."),
    ],
)
def test_a_username_with_a_character_not_allowed_is_told_what_is_allowed(language, message):
    response = APIClient().post(
        "/api/v1/auth/signup/",
        {"username": "min ji!", "password": "빛고을-산책-2026"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"username": [message]}
    assert not User.objects.exists()
