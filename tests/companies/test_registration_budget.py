"""Registering companies has a budget per person, on the page and through the API alike (each
registration waits for staff to verify it); listing companies has none."""

import pytest
from django.test import Client
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from companies.models import Company

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_a_day(monkeypatch):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "registrations": "2/day"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)


def _register_on_the_page(client, n: int):
    return client.post("/companies/new/", {"name": f"빛고을 로봇 {n}", "summary": "돌봄 로봇을 만듭니다."})


def test_the_page_and_the_api_share_one_budget_and_the_page_says_when_to_come_back(two_a_day, bob):
    page, api = Client(), APIClient()
    page.force_login(bob)
    api.force_authenticate(bob)

    first = _register_on_the_page(page, 1)
    second = api.post("/api/v1/companies/", {"name": "빛고을 로봇 2", "summary": "돌봄 로봇을 만듭니다."})
    third = _register_on_the_page(page, 3)

    assert (first.status_code, second.status_code, third.status_code) == (302, 201, 429)
    assert "오늘 등록한 기업이 많습니다." in third.content.decode()
    assert "빛고을 로봇 3" in third.content.decode()  # what was typed is kept
    assert api.post("/api/v1/companies/", {"name": "빛고을 로봇 4", "summary": "요약"}).status_code == 429
    assert Company.objects.filter(name__startswith="빛고을 로봇").count() == 2
    # Reading the list is not counted.
    assert [api.get("/api/v1/companies/").status_code for _ in range(3)] == [200, 200, 200]
