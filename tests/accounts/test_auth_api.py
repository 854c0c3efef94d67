import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_creates_a_citizen_and_signs_them_in():
    client = APIClient()
    response = client.post(
        "/api/v1/auth/signup/",
        {
            "username": "minji",
            "email": "minji@example.org",
            "password": "빛고을-산책-2026",
            "display_name": "민지",
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["roles"] == ["citizen"]
    user = User.objects.get(username="minji")
    assert user.check_password("빛고을-산책-2026")
    assert not user.is_staff
    assert client.get("/api/v1/auth/me/").json()["username"] == "minji"


def test_sign_up_refuses_a_taken_username_naming_the_field_in_korean():
    UserFactory(username="minji")

    response = APIClient().post("/api/v1/auth/signup/", {"username": "Minji", "password": "빛고을-산책-2026"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["username"] == ["이미 사용 중인 아이디입니다."]
    assert User.objects.filter(username__iexact="minji").count() == 1


def test_sign_up_refuses_a_weak_password_in_english_when_asked():
    response = APIClient().post(
        "/api/v1/auth/signup/", {"username": "emily", "password": "1234"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    messages = response.json()["error"]["fields"]["password"]
    assert any("too short" in message for message in messages)
    assert not User.objects.filter(username="emily").exists()


@pytest.mark.parametrize(
    ("accept_language", "language"), [("en", "en"), ("ko", "ko"), ("fr", "ko"), (None, "ko")]
)
def test_sign_up_without_a_language_takes_the_one_the_request_is_answered_in(accept_language, language):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}

    response = APIClient().post(
        "/api/v1/auth/signup/", {"username": "emily", "password": "빛고을-산책-2026"}, **headers
    )

    assert response.status_code == 201, response.content
    assert response.json()["preferred_language"] == language
    assert User.objects.get(username="emily").preferred_language == language


def test_sign_up_keeps_the_language_chosen_over_the_requests():
    response = APIClient().post(
        "/api/v1/auth/signup/",
        {"username": "emily", "password": "빛고을-산책-2026", "preferred_language": "ko"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 201, response.content
    assert User.objects.get(username="emily").preferred_language == "ko"


def test_log_in_and_log_out_with_a_session():
    UserFactory(username="alice")
    client = APIClient()

    response = client.post("/api/v1/auth/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/api/v1/auth/me/").status_code == 200

    client.post("/api/v1/auth/logout/")
    assert client.get("/api/v1/auth/me/").status_code == 403


def test_log_in_with_a_wrong_password_is_refused():
    UserFactory(username="alice")

    response = APIClient().post("/api/v1/auth/login/", {"username": "alice", "password": "wrong"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "authentication_failed"
    assert response.json()["error"]["message"] == "아이디 또는 비밀번호가 올바르지 않습니다."


def test_token_authenticates_api_calls():
    user = UserFactory(username="alice")

    token = (
        APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}).json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert Token.objects.get(user=user).key == token
    assert client.get("/api/v1/auth/me/").json()["username"] == "alice"


def test_password_change_needs_the_current_password_and_revokes_tokens():
    user = UserFactory(username="alice")
    Token.objects.create(user=user)
    client = APIClient()
    client.force_authenticate(user)

    wrong = client.post(
        "/api/v1/auth/password/", {"old_password": "nope", "new_password": "새-비밀번호-2026!"}
    )
    assert wrong.status_code == 400
    assert "old_password" in wrong.json()["error"]["fields"]

    ok = client.post(
        "/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": "새-비밀번호-2026!"}
    )
    assert ok.status_code == 204
    user.refresh_from_db()
    assert user.check_password("새-비밀번호-2026!")
    assert not Token.objects.filter(user=user).exists()


def test_me_shows_company_and_staff_roles(company, carol, staff_user):
    member = APIClient()
    member.force_authenticate(carol)
    staff = APIClient()
    staff.force_authenticate(staff_user)

    assert member.get("/api/v1/auth/me/").json()["roles"] == ["citizen", "company_member"]
    assert staff.get("/api/v1/auth/me/").json()["roles"] == ["citizen", "city_staff"]
