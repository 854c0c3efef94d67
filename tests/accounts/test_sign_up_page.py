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


def test_the_errors_are_summed_up_at_the_top_with_a_link_to_each_field(client):
    client.cookies["django_language"] = "en"

    response = client.post("/accounts/signup/", {"username": "kim minji", "password": "1234"})

    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<div class="error-summary"')
    summary = html[start : html.index("</div>", start)]
    assert start < html.index('<section aria-labelledby="privacy-notice">')
    assert '<h2 id="error-summary-heading">There is a problem</h2>' in summary
    username_rule = "Use only letters, digits and @ . + - _ in a username, no spaces."
    assert f'<a href="#id_username">Username: {username_rule}</a>' in summary
    assert '<a href="#id_password_again">Password again: This field is required.</a>' in summary
    # The consent's error names what is missing; its long label is left out.
    assert '<a href="#id_privacy_consent">Sign-up needs your agreement to the privacy notice.</a>' in summary
    assert not User.objects.exists()


def test_a_refusal_of_the_whole_form_is_told_once_at_the_top(client, monkeypatch):
    monkeypatch.setattr("accounts.views.page_throttle_wait", lambda request, scope: 90)
    client.cookies["django_language"] = "en"

    response = client.post(
        "/accounts/signup/",
        {"username": "minji", "password": PASSWORD, "password_again": PASSWORD, "privacy_consent": "on"},
    )

    html = response.content.decode()
    assert response.status_code == 429
    assert html.count("Too many sign-ups from your address. Try again in 2 minutes.") == 1
    assert html.index("Too many sign-ups") < html.index('<form method="post"')


@pytest.mark.parametrize(
    ("language", "rule"),
    [
        ("en", "Your password must contain at least 8 characters."),
        ("ko", "비밀번호는 8자 이상이어야 합니다."),
    ],
)
def test_the_password_rules_are_shown_under_the_password_field(client, language, rule):
    client.cookies["django_language"] = language

    html = client.get("/accounts/signup/").content.decode()

    help_text = html[html.index('id="id_password_helptext"') : html.index('name="password"')]
    assert f"<li>{rule}</li>" in help_text
    assert 'aria-describedby="id_password_helptext"' in html


def test_signing_up_from_an_idea_goes_back_to_it(client, idea):
    client.cookies["django_language"] = "ko"
    page = client.get(f"/ideas/{idea.pk}/").content.decode()
    assert f'href="/accounts/signup/?next=/ideas/{idea.pk}/"' in page
    form = client.get(f"/accounts/signup/?next=/ideas/{idea.pk}/").content.decode()
    assert f'name="next" value="/ideas/{idea.pk}/"' in form

    response = client.post(
        "/accounts/signup/",
        {
            "username": "minji",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "privacy_consent": "on",
            "next": f"/ideas/{idea.pk}/",
        },
    )

    assert response.status_code == 302 and response["Location"] == f"/ideas/{idea.pk}/"


def test_the_log_in_page_hands_where_it_was_going_to_sign_up(client):
    page = client.get("/accounts/login/?next=/ideas/new/").content.decode()

    assert 'href="/accounts/signup/?next=/ideas/new/"' in page


def test_signing_up_never_sends_someone_to_another_site(client):
    response = client.post(
        "/accounts/signup/?next=https://evil.example/",
        {"username": "minji", "password": PASSWORD, "password_again": PASSWORD, "privacy_consent": "on"},
    )

    assert response.status_code == 302 and response["Location"] == "/me/"
