"""Labels end without a colon, in Korean and in English: Korean services write "제목", not "제목:",
and the English pages look the same. Django's own forms (log-in) are drawn the same way."""

import pytest

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "title", "username"), [("ko", "제목", "아이디"), ("en", "title", "Username")]
)
def test_labels_have_no_colon(client, language, title, username):
    client.cookies["django_language"] = language
    client.force_login(UserFactory())

    form = client.get("/ideas/new/").content.decode()
    client.logout()
    client.cookies["django_language"] = language
    log_in = client.get("/accounts/login/").content.decode()

    assert f'<label for="id_title">{title}</label>' in form
    assert f'<label for="id_username">{username}</label>' in log_in
    assert ":</label>" not in form + log_in
