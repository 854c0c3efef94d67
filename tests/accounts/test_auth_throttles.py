"""Sign-up, and log-in with token requests, have throttle budgets of their own per address."""

import pytest
from django.test import Client
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import User
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_rates(monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {**api_settings.DEFAULT_THROTTLE_RATES, "login": "3/minute", "signup": "2/minute"},
    )


def _log_in(**extra):
    return APIClient().post("/api/v1/auth/login/", {"username": "alice", "password": PASSWORD}, **extra)


def _token():
    return APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})


def _sign_up(username):
    return APIClient().post("/api/v1/auth/signup/", {"username": username, "password": "빛고을-산책-2026"})


def test_log_in_and_token_requests_share_one_budget_apart_from_sign_up(tight_rates, alice):
    statuses = [_log_in().status_code, _token().status_code, _log_in().status_code, _token().status_code]
    sign_ups = [_sign_up(f"new{n}").status_code for n in range(3)]

    assert statuses == [200, 200, 200, 429]
    assert _token().json()["error"]["code"] == "throttled"
    assert sign_ups == [201, 201, 429]


def test_sign_ups_do_not_use_up_the_log_in_budget(tight_rates, alice):
    assert [_sign_up(f"new{n}").status_code for n in range(3)] == [201, 201, 429]

    assert _log_in().status_code == 200


def test_the_budget_is_per_address_and_a_forged_header_does_not_reset_it(tight_rates, alice):
    forged = [_log_in(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)]

    assert forged == [200, 200, 200, 429]
    assert _log_in(REMOTE_ADDR="203.0.113.7").status_code == 200


def _sign_up_on_the_page(username):
    return Client().post(
        "/accounts/signup/",
        {
            "username": username,
            "password": "빛고을-산책-2026",
            "password_again": "빛고을-산책-2026",
            "privacy_consent": "on",
        },
    )


def test_the_sign_up_page_shares_the_api_budget_and_says_when_to_try_again(tight_rates):
    statuses = [_sign_up(f"api{n}").status_code for n in range(1)] + [
        _sign_up_on_the_page(f"page{n}").status_code for n in range(2)
    ]

    assert statuses == [201, 302, 429]
    refused = _sign_up_on_the_page("page9")
    assert refused.status_code == 429
    assert "가입 시도가 너무 많습니다" in refused.content.decode()
    assert not User.objects.filter(username__startswith="page").exclude(username="page0").exists()
