"""A form with a password comes back empty in its password fields (a password is never sent back to
the page), whatever the error was: the page says so at each emptied field and in the error summary,
so that whoever fixes the one error named is not refused next for a password left empty."""

import pytest

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.pages import signed_in_client

pytestmark = pytest.mark.django_db

TYPE_AGAIN = {
    "en": "Enter it again; for your safety, it is left empty when the form comes back.",
    "ko": "보안을 위해 비워 두었습니다. 다시 입력해 주세요.",
}
NEW_PASSWORD = "빛고을-산책-2026"


def _field_errors(html: str, field_id: str) -> str:
    """The error list the page draws under a field (Django gives it the id `<field>_error`)."""
    start = html.index(f'<ul class="errorlist" id="{field_id}_error">')
    return html[start : html.index("</ul>", start)]


def _summary(html: str) -> str:
    start = html.index('<div class="error-summary"')
    return html[start : html.index("</div>", start)]


def _input(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[html.rindex("<input", 0, start) : html.index(">", start)]


@pytest.mark.parametrize(
    ("language", "password", "again"),
    [("ko", "비밀번호", "비밀번호 확인"), ("en", "Password", "Password again")],
)
def test_sign_up_refused_for_the_consent_asks_for_both_passwords_again(client, language, password, again):
    client.cookies["django_language"] = language

    response = client.post(
        "/accounts/signup/", {"username": "minji", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.filter(username="minji").exists()
    summary = _summary(html)
    assert f'<a href="#id_password">{password}: {TYPE_AGAIN[language]}</a>' in summary
    assert f'<a href="#id_password_again">{again}: {TYPE_AGAIN[language]}</a>' in summary
    for name in ("password", "password_again"):
        assert TYPE_AGAIN[language] in _field_errors(html, f"id_{name}")
        field = _input(html, name)
        assert f'aria-describedby="id_{name}' in field and f"id_{name}_error" in field
        assert NEW_PASSWORD not in field


def test_a_password_left_empty_is_told_as_required_not_as_one_to_type_again(client):
    client.cookies["django_language"] = "en"

    response = client.post("/accounts/signup/", {"username": "minji", "password": NEW_PASSWORD})

    summary = _summary(response.content.decode())
    assert f'<a href="#id_password">Password: {TYPE_AGAIN["en"]}</a>' in summary
    assert '<a href="#id_password_again">Password again: This field is required.</a>' in summary
    assert summary.count(TYPE_AGAIN["en"]) == 1


def test_a_password_refused_for_itself_says_why_only(client):
    client.cookies["django_language"] = "en"

    response = client.post(
        "/accounts/signup/",
        {
            "username": "minji",
            "password": NEW_PASSWORD,
            "password_again": "another-one",
            "privacy_consent": "on",
        },
    )

    summary = _summary(response.content.decode())
    assert '<a href="#id_password_again">Password again: The two passwords are not the same.</a>' in summary
    assert f'<a href="#id_password">Password: {TYPE_AGAIN["en"]}</a>' in summary
    assert summary.count(TYPE_AGAIN["en"]) == 1


@pytest.mark.parametrize(
    ("language", "differ", "consent"),
    [
        ("en", "The two passwords are not the same.", "Sign-up needs your agreement to the privacy notice."),
        ("ko", "두 비밀번호가 같지 않습니다.", "회원가입하려면 개인정보 수집·이용에 동의해 주세요."),
    ],
)
def test_the_summary_lists_what_sent_the_form_back_before_the_notes_to_type_again(
    client, language, differ, consent
):
    client.cookies["django_language"] = language

    response = client.post(
        "/accounts/signup/", {"username": "minji", "password": NEW_PASSWORD, "password_again": "another-one"}
    )

    summary = _summary(response.content.decode())
    assert differ in summary and consent in summary
    assert summary.index(differ) < summary.index(TYPE_AGAIN[language])
    assert summary.index(consent) < summary.index(TYPE_AGAIN[language])


def test_a_form_without_errors_asks_for_nothing(client):
    client.cookies["django_language"] = "en"

    html = client.get("/accounts/signup/").content.decode()

    assert TYPE_AGAIN["en"] not in html


@pytest.mark.parametrize("language", ["ko", "en"])
def test_log_in_without_the_username_asks_for_the_password_again(client, language):
    UserFactory(username="minji")
    client.cookies["django_language"] = language

    response = client.post("/accounts/login/", {"username": "", "password": PASSWORD})

    html = response.content.decode()
    assert response.status_code == 200
    assert TYPE_AGAIN[language] in _field_errors(html, "id_password")
    assert PASSWORD not in _input(html, "password")


def test_a_refused_log_in_asks_for_the_password_again(client):
    UserFactory(username="minji")
    client.cookies["django_language"] = "en"

    response = client.post("/accounts/login/", {"username": "minji", "password": "not-the-password"})

    html = response.content.decode()
    assert "The username or the password is not right." in html
    assert TYPE_AGAIN["en"] in _field_errors(html, "id_password")


def test_a_password_change_refused_for_the_old_password_asks_for_the_new_one_again():
    user = UserFactory(username="minji")
    client = signed_in_client(user, "ko")

    response = client.post(
        "/accounts/password_change/",
        {"old_password": "not-the-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    html = response.content.decode()
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert TYPE_AGAIN["ko"] not in _field_errors(html, "id_old_password")
    for name in ("new_password1", "new_password2"):
        assert TYPE_AGAIN["ko"] in _field_errors(html, f"id_{name}")


def test_closing_an_account_with_a_wrong_password_says_only_that_it_is_wrong():
    # The password is the page's only field: its own error already asks for it.
    user = UserFactory(username="minji")
    client = signed_in_client(user, "en")

    response = client.post("/me/close/", {"password": "not-the-password"})

    html = response.content.decode()
    assert response.status_code == 400
    assert TYPE_AGAIN["en"] not in html
    assert User.objects.get(pk=user.pk).closed_at is None
