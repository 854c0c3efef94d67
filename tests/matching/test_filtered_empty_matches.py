"""A company's matches page with filters that find nothing says so, with a way to clear them,
rather than that no idea fits the company: it keeps that message for a page without filters. The
cards (and what an empty list says) are kept per filter (core.page_cache.cached_part), so each
filter says its own."""

import pytest
from django.test import Client

from core import page_cache
from matching.models import MatchStrength
from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db

NO_FIT = "No idea fits your profile yet."
FILTERED = "No matches with these filters."


@pytest.fixture(autouse=True)
def _redis_answers(monkeypatch):
    # Another test may have left this process thinking Redis is down.
    monkeypatch.setattr(page_cache, "_down_until", 0.0)


@pytest.fixture
def member(carol):
    client = Client()
    client.force_login(carol)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def health_match(company):
    return MatchFactory(
        company=company, rank_for_company=1, strength=MatchStrength.STRONG, idea__category="health"
    )


def _page(client, company, query: str = "") -> str:
    response = client.get(f"/companies/{company.slug}/matches/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_filters_that_find_nothing_say_so_with_a_way_to_clear_them(member, company, health_match):
    html = _page(member, company, "?category=safety_disaster&status=suggested")

    assert FILTERED in html and NO_FIT not in html
    assert f'<a href="/companies/{company.slug}/matches/">Clear filters</a>' in html


def test_the_filtered_empty_list_in_korean(member, company, health_match):
    member.cookies["django_language"] = "ko"

    html = _page(member, company, "?category=safety_disaster")

    # "Clear filters" as the idea list and the company list say it.
    assert "이 조건에 맞는 매칭이 없습니다." in html and "필터 지우기</a>" in html


def test_a_page_without_filters_keeps_saying_no_idea_fits(member, company):
    html = _page(member, company)

    assert NO_FIT in html and FILTERED not in html


def test_showing_the_weaker_matches_too_is_no_filter(member, company):
    html = _page(member, company, "?include_weak=on")

    assert NO_FIT in html and FILTERED not in html


def test_clearing_the_filters_keeps_the_weaker_matches_shown(member, company, health_match):
    html = _page(member, company, "?category=safety_disaster&include_weak=on")

    assert f'<a href="/companies/{company.slug}/matches/?include_weak=on">Clear filters</a>' in html


def test_each_filter_says_its_own_from_the_cache(member, company, health_match):
    empty = _page(member, company, "?category=safety_disaster")
    found = _page(member, company, "?category=health")
    unfiltered = _page(member, company)
    empty_again = _page(member, company, "?category=safety_disaster")

    assert FILTERED in empty and FILTERED in empty_again
    assert f'id="match-{health_match.pk}"' in found and FILTERED not in found
    assert f'id="match-{health_match.pk}"' in unfiltered and FILTERED not in unfiltered


def test_an_unverified_company_is_told_it_waits_for_the_city_whatever_the_filters(carol, company):
    company.is_verified = False
    company.save(update_fields=["is_verified"])
    client = Client()
    client.force_login(carol)
    client.cookies["django_language"] = "en"

    html = _page(client, company, "?category=safety_disaster")

    assert "matching with ideas starts once your company is verified" in html
    assert FILTERED not in html
