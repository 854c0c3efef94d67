"""Searching the company list by meaning: "고양이" finds the firm whose profile speaks of stray
cats in English, and a search that means no company calls none close. Real model over the demo
companies; the last test runs a real worker of the "similar" queue on real Redis."""

import json

import pytest
from django.conf import settings
from django.test import Client

from companies import search as company_search
from companies.models import Company, CompanyReference
from core.meaning_search import MeaningSearchUnavailable
from matching import encoding, services
from matching.search import COMPANY_CLOSE_STANDING, companies_by_meaning
from tests.companies.factories import CompanyFactory

PROFILE_CLOSE_KO = "소개 내용의 뜻이 비슷한 기업"
LOOSELY_KO = "관련성 낮음"


def _demo_companies() -> dict[str, Company]:
    demo = json.loads(settings.DEMO_DATA.read_text(encoding="utf-8"))["companies"]
    companies = {
        entry["slug"]: Company.objects.create(
            slug=entry["slug"],
            name=entry["name"],
            summary=entry["summary"],
            description=entry["description"],
            technologies=entry["technologies"],
            domains=entry["domains"],
            is_verified=True,
        )
        for entry in demo
    }
    for entry in demo:
        for reference in entry.get("references", []):
            CompanyReference.objects.create(
                company=companies[entry["slug"]],
                title=reference["title"],
                year=reference.get("year"),
                description=reference["description"],
            )
    for company in companies.values():
        services.embedding_refresh_for_company(company_id=company.pk)
    return companies


def _close(text: str) -> list[str]:
    names = dict(Company.objects.values_list("pk", "name"))
    return [
        names[hit.row_id] for hit in companies_by_meaning(text=text) if hit.standing >= COMPANY_CLOSE_STANDING
    ]


@pytest.mark.django_db
def test_a_korean_word_finds_the_company_it_means_and_nonsense_finds_none_close():
    _demo_companies()

    assert _close("고양이") == ["Straytrace Labs"]
    assert _close("수어 통역") == ["손말잇다랩"]
    assert _close("전기 요금") == ["Voltmeadow Energy Labs"]
    for nonsense in ("zzzzqqq", "asdf qwer", "결혼식장 예약", "우주 로켓 발사"):
        assert _close(nonsense) == [], nonsense


@pytest.mark.django_db
def test_the_list_puts_words_first_and_marks_a_loose_hit_apart_from_a_close_one(monkeypatch):
    by_words = CompanyFactory(name="고양이 돌봄 연구소", is_verified=True)
    close, loose = CompanyFactory(is_verified=True), CompanyFactory(is_verified=True)
    unverified = CompanyFactory(is_verified=False)
    found = {
        close.pk: COMPANY_CLOSE_STANDING + 0.5,
        loose.pk: COMPANY_CLOSE_STANDING - 0.5,
        unverified.pk: 9.0,
    }
    monkeypatch.setattr(company_search.companies_by_meaning, "_search", lambda *, text, client: found)

    html = Client().get("/companies/", {"q": "고양이"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    order = [html.index(f'href="/companies/{c.slug}/"') for c in (by_words, close, loose)]
    assert order == sorted(order)
    assert f'href="/companies/{unverified.slug}/"' not in html
    close_card = html[order[1] :].split("</li>")[0]
    loose_card = html[order[2] :].split("</li>")[0]
    assert PROFILE_CLOSE_KO in close_card and LOOSELY_KO not in close_card
    assert LOOSELY_KO in loose_card


@pytest.mark.django_db
def test_a_company_containing_some_of_the_words_comes_after_those_containing_all_and_is_marked_so(
    monkeypatch,
):
    every_word = CompanyFactory(name="고양이 돌봄 연구소", is_verified=True)
    one_word = CompanyFactory(name="고양이 사진 분석", summary="반려동물 사진", is_verified=True)
    CompanyFactory(name="물빛 센싱", summary="하천 수위", is_verified=True)
    monkeypatch.setattr(company_search.companies_by_meaning, "_search", lambda *, text, client: {})

    html = Client().get("/companies/", {"q": "고양이 돌봄"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    order = [html.index(f'href="/companies/{c.slug}/"') for c in (every_word, one_word)]
    assert order == sorted(order) and "물빛 센싱" not in html
    assert "검색어 일부가 들어 있음" in html[order[1] :].split("</li>")[0]
    assert "검색어 일부가 들어 있음" not in html[order[0] :].split("</li>")[0]


@pytest.mark.django_db
def test_without_the_matcher_the_list_goes_by_words_and_says_so(api, monkeypatch):
    CompanyFactory(name="고양이 돌봄 연구소", is_verified=True)

    def unanswered(*, text, client):
        raise MeaningSearchUnavailable("no worker answered")

    monkeypatch.setattr(company_search.companies_by_meaning, "_search", unanswered)

    html = Client().get("/companies/", {"q": "고양이"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    body = api().get("/api/v1/companies/", {"q": "고양이"}, HTTP_ACCEPT_LANGUAGE="en").json()

    assert "고양이 돌봄 연구소" in html and "입력한 낱말이 들어 있는 기업만" in html
    assert body["search"]["by_meaning"] is False
    assert body["search"]["notice"].startswith("Search by meaning is unavailable right now")
    assert [row["name"] for row in body["results"]] == ["고양이 돌봄 연구소"]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_of_the_similar_queue_searches_companies_by_meaning(
    api, client, lookup_worker, settings, monkeypatch
):
    settings.SEARCH_BY_MEANING_WAIT_SECONDS = 30
    companies = _demo_companies()
    model_calls = []
    load = encoding.get_model
    monkeypatch.setattr(encoding, "get_model", lambda: model_calls.append(1) or load())

    body = api().get("/api/v1/companies/", {"q": "고양이"}).json()
    html = client.get("/companies/", {"q": "길고양이"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert body["search"] == {"by_meaning": True, "notice": ""}
    assert body["results"][0]["slug"] == companies["straytrace-labs"].slug
    assert f'href="/companies/{companies["straytrace-labs"].slug}/"' in html and PROFILE_CLOSE_KO in html
    # The worker ran the model; the web process never asked for it.
    assert "matching.tasks.company_search_lookup" in lookup_worker.log()
    assert model_calls == []
