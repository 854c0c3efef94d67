"""The sign-up page as a citizen meets it: in the language they read it in, and saying what is
wrong with what they typed."""

import re

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "빛고을-산책-2026"


def _sign_up(client, language: str, username: str):
    client.cookies["django_language"] = language
    return client.post(
        "/accounts/signup/",
        {"username": username, "password": PASSWORD, "password_again": PASSWORD, "privacy_consent": "on"},
    )


def test_a_citizen_signing_up_in_english_gets_english_notifications_and_nickname(client):
    response = _sign_up(client, "en", "jiwoo")

    assert response.status_code == 302
    user = User.objects.get(username="jiwoo")
    assert user.preferred_language == "en"
    assert re.match(r"^[A-Z][a-z]+ [A-Z][a-z]+ \d{4}$", user.display_name)


def test_a_citizen_signing_up_in_korean_keeps_korean(client):
    _sign_up(client, "ko", "minji")

    user = User.objects.get(username="minji")
    assert user.preferred_language == "ko"
    assert re.search("[가-힣]", user.display_name)


def test_a_username_with_a_space_says_which_characters_are_allowed(client):
    response = _sign_up(client, "en", "kim minji")

    assert response.status_code == 200
    assert not User.objects.filter(username="kim minji").exists()
    page = response.content.decode()
    assert "Use only letters, digits and @ . + - _ in a username, no spaces." in page
    assert "Enter a valid value." not in page


def test_a_taken_username_and_a_weak_password_are_both_told_at_once(client):
    User.objects.create_user(username="minji", password=PASSWORD)
    client.cookies["django_language"] = "en"

    response = client.post(
        "/accounts/signup/",
        {"username": "minji", "password": "1234", "password_again": "1234", "privacy_consent": "on"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "This username is already taken." in page
    assert "This password is too short." in page


@pytest.mark.parametrize(
    ("language", "warning"),
    [
        ("en", "without an email a forgotten password cannot be reset"),
        ("ko", "이메일이 없으면 잊은 비밀번호를 재설정할 수 없습니다"),
    ],
)
def test_sign_up_says_a_password_cannot_be_reset_without_an_email(client, language, warning):
    # The password reset page says a new account is the only way back in without an email: sign-up,
    # where the email is left out, must say so before it is too late.
    client.cookies["django_language"] = language

    page = client.get("/accounts/signup/").content.decode()

    assert warning in page
    assert "only for the notifications you choose" not in page
