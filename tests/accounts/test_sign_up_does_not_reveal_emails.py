"""Sign-up must not tell whether an email address has an account: an address is not an identity
here, only where notifications go."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _sign_up(username: str, email: str):
    return APIClient().post(
        "/api/v1/auth/signup/", {"username": username, "email": email, "password": "빛고을-산책-2026"}
    )


def test_an_email_with_an_account_signs_up_like_a_new_one():
    UserFactory(username="minji", email="minji@example.org")

    taken = _sign_up("minji2", "Minji@Example.org")
    fresh = _sign_up("jiwoo", "jiwoo@example.org")

    assert taken.status_code == fresh.status_code == 201
    assert set(taken.json()) == set(fresh.json())
    assert taken.json()["email"].lower() == "minji@example.org"
    assert User.objects.filter(email__iexact="minji@example.org").count() == 2


def test_the_sign_up_page_does_not_reveal_an_email_with_an_account(client):
    UserFactory(username="minji", email="minji@example.org")

    response = client.post(
        "/accounts/signup/",
        {
            "username": "minji2",
            "email": "minji@example.org",
            "password": "빛고을-산책-2026",
            "password_again": "빛고을-산책-2026",
            "privacy_consent": "on",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(username="minji2").email == "minji@example.org"


def test_a_taken_username_is_still_reported_because_usernames_are_public():
    UserFactory(username="minji", email="minji@example.org")

    response = _sign_up("minji", "someone-else@example.org")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["username"]
    assert not User.objects.filter(email="someone-else@example.org").exists()
