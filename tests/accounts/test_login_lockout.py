"""Repeated failed log-ins lock the client out, on the pages and the API alike."""

import datetime

import pytest
from axes.models import AccessAttempt
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED_KO = (
    "로그인 실패가 너무 많습니다. 계정 보호를 위해 15분 동안 로그인이 중지됩니다. 잠시 후 다시 시도해 주세요."
)


@pytest.fixture
def minji(db):
    return UserFactory(username="minji")


def _api_log_in(username, password, **extra):
    return APIClient().post("/api/v1/auth/login/", {"username": username, "password": password}, **extra)


def _fail(times, username="minji", **extra):
    return [_api_log_in(username, "wrong-guess", **extra).status_code for _ in range(times)]


def test_ten_failures_lock_the_account_from_that_address_even_with_the_right_password(minji):
    assert _fail(9) == [400] * 9
    assert _api_log_in("minji", PASSWORD).status_code == 200

    assert _fail(1) == [429]
    locked = _api_log_in("minji", PASSWORD)

    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    assert locked.json()["error"]["message"] == LOCKED_KO
    assert locked["Retry-After"] == str(15 * 60)
    assert AccessAttempt.objects.get(username="minji", ip_address="127.0.0.1").failures_since_start == 11


def test_the_lockout_message_follows_the_language(minji):
    _fail(10)

    locked = _api_log_in("minji", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")

    assert locked.json()["error"]["message"].startswith("Too many failed log-ins.")


def test_the_account_still_logs_in_from_another_address_and_others_from_this_one(minji, alice):
    _fail(10)

    elsewhere = _api_log_in("minji", PASSWORD, REMOTE_ADDR="203.0.113.7")
    neighbour = _api_log_in("alice", PASSWORD)

    assert (elsewhere.status_code, neighbour.status_code) == (200, 200)


def test_an_address_trying_many_usernames_is_locked_out_for_all(settings, alice):
    settings.LOGIN_FAILURES_PER_ADDRESS = 30
    statuses = [_fail(1, username=f"guess{n}")[0] for n in range(30)]

    locked = _api_log_in("alice", PASSWORD)

    assert statuses == [400] * 29 + [429]
    assert locked.status_code == 429
    assert AccessAttempt.objects.filter(ip_address="127.0.0.1").count() == 31
    assert _api_log_in("alice", PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_the_token_api_counts_and_refuses_alike(minji):
    _fail(10)

    token = APIClient().post("/api/v1/auth/token/", {"username": "minji", "password": PASSWORD})

    assert token.status_code == 429
    assert token.json()["error"]["code"] == "locked_out"
    assert not Token.objects.filter(user=minji).exists()


def test_the_lockout_ends_after_the_cool_off(minji):
    _fail(10)
    assert _api_log_in("minji", PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )

    assert _api_log_in("minji", PASSWORD).status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(minji):
    for n in range(10):
        _fail(1, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    locked = _api_log_in("minji", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert locked.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_a_proxy_the_address_the_proxy_saw_is_counted(settings, minji):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    _fail(10, HTTP_X_FORWARDED_FOR="forged, 198.51.100.1")

    same_client = _api_log_in("minji", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1")
    other_client = _api_log_in("minji", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert (same_client.status_code, other_client.status_code) == (429, 200)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.1"}


def test_the_log_in_page_locks_out_with_a_message(client, minji):
    statuses = [
        client.post("/accounts/login/", {"username": "minji", "password": "wrong-guess"}).status_code
        for _ in range(10)
    ]

    locked = client.post("/accounts/login/", {"username": "minji", "password": PASSWORD})

    assert statuses == [200] * 9 + [429]
    assert locked.status_code == 429
    assert LOCKED_KO in locked.content.decode()
    assert 'value="minji"' in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_the_page_and_the_api_add_up(client, minji):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "minji", "password": "wrong-guess"})
    _fail(5)

    assert _api_log_in("minji", PASSWORD).status_code == 429
    assert client.post("/accounts/login/", {"username": "minji", "password": PASSWORD}).status_code == 429
