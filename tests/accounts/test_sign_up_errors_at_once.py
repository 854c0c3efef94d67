"""Sign-up tells every problem with what was typed in one answer, on the page and in the API: a
taken username and a weak password are not kept for the next try."""

import re

import pytest

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

EVERYTHING_WRONG = {
    "username": "citizen1",
    "email": "citizen1@",
    "password": "1234",
    "password_again": "4321",
}


def _summary(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    start = html.index('<div class="error-summary"')
    summary = html[start : html.index("</div>", start)]
    return re.findall(r'<li><a href="#([^"]+)">([^<]*)</a></li>', summary)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                ("id_username", "Username: This username is already taken."),
                ("id_email", "Email: Enter a valid email address."),
                (
                    "id_password",
                    "Password: This password is too short. It must contain at least 8 characters.",
                ),
                ("id_password", "Password: This password is too common."),
                ("id_password", "Password: This password is entirely numeric."),
                ("id_password_again", "Password again: The two passwords are not the same."),
                ("id_privacy_consent", "Sign-up needs your agreement to the privacy notice."),
            ],
        ),
        (
            "ko",
            [
                ("id_username", "아이디: 이미 사용 중인 아이디입니다."),
                ("id_email", "이메일: 유효한 이메일 주소를 입력하세요."),
                ("id_password", "비밀번호: 비밀번호가 너무 짧습니다. 8자 이상으로 정해 주세요."),
                ("id_password", "비밀번호: 너무 흔한 비밀번호입니다. 다른 비밀번호를 정해 주세요."),
                ("id_password", "비밀번호: 숫자로만 된 비밀번호입니다. 글자도 섞어 주세요."),
                ("id_password_again", "비밀번호 확인: 두 비밀번호가 같지 않습니다."),
                ("id_privacy_consent", "회원가입하려면 개인정보 수집·이용에 동의해 주세요."),
            ],
        ),
    ],
)
def test_every_error_is_told_at_once_each_naming_its_field(client, language, expected):
    UserFactory(username="citizen1")
    client.cookies["django_language"] = language

    response = client.post("/accounts/signup/", EVERYTHING_WRONG)

    assert response.status_code == 200
    assert _summary(response) == expected
    assert User.objects.count() == 1


def test_a_username_taken_in_other_letters_is_told_with_a_password_like_it(client):
    UserFactory(username="Minji")
    client.cookies["django_language"] = "en"

    response = client.post(
        "/accounts/signup/",
        {"username": "minji", "password": "minji2026", "password_again": "minji2026"},
    )

    summary = [text for _field, text in _summary(response)]
    assert "Username: This username is already taken." in summary
    assert "Password: The password is too similar to the username." in summary
    assert "Sign-up needs your agreement to the privacy notice." in summary


def test_a_username_refused_for_its_characters_is_not_also_called_taken(client):
    UserFactory(username="kim")
    client.cookies["django_language"] = "en"

    response = client.post("/accounts/signup/", {"username": "kim!", "password": "1234"})

    summary = [text for _field, text in _summary(response)]
    assert "Username: Use only letters, digits and @ . + - _ in a username, no spaces." in summary
    assert "Username: This username is already taken." not in summary
    assert "Password: This password is entirely numeric." in summary


def test_the_display_name_in_use_is_told_with_the_rest(client):
    UserFactory(username="jiwoo", display_name="빛고을 시민")
    client.cookies["django_language"] = "en"

    response = client.post(
        "/accounts/signup/", {"username": "minji", "display_name": " 빛고을  시민 ", "password": "1234"}
    )

    summary = [text for _field, text in _summary(response)]
    assert "Display name: Someone already uses this display name. Choose another." in summary
    assert "Password: This password is entirely numeric." in summary


@pytest.mark.parametrize(
    ("language", "taken", "numeric"),
    [
        ("en", "This username is already taken.", "This password is entirely numeric."),
        ("ko", "이미 사용 중인 아이디입니다.", "숫자로만 된 비밀번호입니다. 글자도 섞어 주세요."),
    ],
)
def test_the_api_tells_every_error_at_once(api, language, taken, numeric):
    UserFactory(username="citizen1")

    response = api().post(
        "/api/v1/auth/signup/",
        {"username": "citizen1", "email": "citizen1@", "password": "1234"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"username", "email", "password"}
    assert fields["username"] == [taken]
    assert numeric in fields["password"]
    assert User.objects.count() == 1


def test_the_api_still_refuses_a_body_that_is_no_object(api):
    response = api().post("/api/v1/auth/signup/", [1, 2], format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["non_field_errors"]
