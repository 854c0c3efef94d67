"""A new citizen is told they are in, by the name others see, and where to start: on My page, or
back on the page they signed up from."""

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "빛고을-산책-2026"


def _sign_up(client, language: str, next_page: str = "", **changes):
    client.cookies["django_language"] = language
    form = {"username": "minji", "password": PASSWORD, "password_again": PASSWORD, "privacy_consent": "on"}
    if next_page:
        form["next"] = next_page
    return client.post("/accounts/signup/", {**form, **changes}, follow=True)


@pytest.mark.parametrize(
    ("language", "welcome"),
    [
        (
            "en",
            "Welcome, Minji Kim. You are signed in. Propose an idea from here, or support the ideas you "
            "want tried in Gwangju.",
        ),
        (
            "ko",
            "가입을 환영합니다, Minji Kim님. 로그인되었습니다. 이 페이지에서 아이디어를 제안하거나, 광주에서 "
            "시험해 보고 싶은 아이디어에 공감해 보세요.",
        ),
    ],
)
def test_a_new_citizen_lands_on_my_page_welcomed_by_name(client, language, welcome):
    response = _sign_up(client, language, display_name="Minji Kim")

    assert response.redirect_chain == [("/me/", 302)]
    page = response.content.decode()
    assert f'<li class="success">{welcome}</li>' in page
    assert response.wsgi_request.user == User.objects.get(username="minji")


def test_the_welcome_names_the_nickname_made_up_for_them(client):
    response = _sign_up(client, "ko")

    nickname = User.objects.get(username="minji").display_name
    assert f"가입을 환영합니다, {nickname}님." in response.content.decode()


@pytest.mark.parametrize(
    ("language", "welcome"),
    [
        ("en", "Welcome, Minji Kim. You are signed in: carry on where you left off."),
        ("ko", "가입을 환영합니다, Minji Kim님. 로그인되었으니 하던 일을 이어서 하세요."),
    ],
)
def test_signing_up_on_the_way_somewhere_goes_on_there_welcomed(client, idea, language, welcome):
    response = _sign_up(client, language, next_page=f"/ideas/{idea.pk}/", display_name="Minji Kim")

    assert response.redirect_chain == [(f"/ideas/{idea.pk}/", 302)]
    assert welcome in response.content.decode()


def test_a_next_page_on_another_site_is_not_followed(client):
    response = _sign_up(client, "en", next_page="https://evil.example/")

    assert response.redirect_chain == [("/me/", 302)]
    assert "Propose an idea from here" in response.content.decode()


def test_a_refused_sign_up_welcomes_nobody(client):
    response = _sign_up(client, "en", password_again="something else")

    assert response.status_code == 200
    assert "Welcome" not in response.content.decode()
    assert not User.objects.exists()
