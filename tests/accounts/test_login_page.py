"""The log-in page refuses a wrong password in the site's own words (Django's Korean for it reads
"아이디와/과 비밀번호"), and still signs the right one in."""

import pytest

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def minji(db):
    return UserFactory(username="minji")


def test_a_wrong_password_is_refused_in_the_sites_own_words(client, minji):
    client.cookies["django_language"] = "en"

    response = client.post("/accounts/login/", {"username": "minji", "password": "wrong-guess"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "The username or the password is not right." in page
    assert "Please enter a correct" not in page


def test_the_right_password_signs_in_and_follows_next(client, minji):
    response = client.post("/accounts/login/", {"username": "minji", "password": PASSWORD, "next": "/me/"})

    assert response.status_code == 302 and response.url == "/me/"
    assert client.get("/me/").status_code == 200
