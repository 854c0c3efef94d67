"""My page says in which language notifications are written when the page is read in another."""

import pytest

pytestmark = pytest.mark.django_db


def _my_page(client, user, language: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get("/me/").content.decode()


def test_a_reader_in_another_language_is_told_where_notifications_language_is_set(client, alice):
    alice.preferred_language = "ko"
    alice.save()

    english = _my_page(client, alice, "en")
    korean = _my_page(client, alice, "ko")

    assert 'id="notification-language"' in english and 'href="/me/profile/"' in english
    assert 'id="notification-language"' not in korean
