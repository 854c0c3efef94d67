"""Session log-in and sign-up through the API check CSRF, so a page elsewhere cannot sign its
visitor into the page owner's account (log-in CSRF)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_ACCOUNT = {"username": "minji", "password": "빛고을-산책-2026"}


@pytest.fixture
def browser():
    return APIClient(enforce_csrf_checks=True)


def _csrf_token(client: APIClient) -> str:
    response = client.get("/api/v1/auth/csrf/")
    assert response.status_code == 200
    assert response.cookies["csrftoken"].value
    return response.json()["csrf_token"]


def test_a_cross_site_log_in_without_the_token_is_refused(browser, alice):
    response = browser.post("/api/v1/auth/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "sessionid" not in response.cookies
    assert browser.get("/api/v1/auth/me/").status_code == 403


def test_log_in_with_the_token_signs_the_browser_in(browser, alice):
    token = _csrf_token(browser)

    response = browser.post(
        "/api/v1/auth/login/", {"username": "alice", "password": PASSWORD}, HTTP_X_CSRFTOKEN=token
    )

    assert response.status_code == 200
    assert browser.get("/api/v1/auth/me/").json()["username"] == "alice"


def test_a_cross_site_sign_up_without_the_token_is_refused(browser):
    response = browser.post("/api/v1/auth/signup/", NEW_ACCOUNT)

    assert response.status_code == 403
    assert not User.objects.filter(username="minji").exists()


def test_sign_up_with_the_token_signs_the_browser_in(browser):
    token = _csrf_token(browser)

    response = browser.post("/api/v1/auth/signup/", NEW_ACCOUNT, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201
    assert User.objects.filter(username="minji").exists()
    assert browser.get("/api/v1/auth/me/").json()["username"] == "minji"


def test_token_clients_need_no_csrf_token(browser):
    user = UserFactory(username="script")

    response = browser.post("/api/v1/auth/token/", {"username": "script", "password": PASSWORD})

    assert response.status_code == 200
    assert Token.objects.get(user=user).key == response.json()["token"]
    assert "sessionid" not in response.cookies
    scripted = APIClient(enforce_csrf_checks=True)
    scripted.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert scripted.post("/api/v1/auth/logout/").status_code == 204
