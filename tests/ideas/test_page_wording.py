"""Words the pages use alike: a support count as the cards give it, an empty list that says why it
is empty, "보완" for the moderators' request to revise (kept apart from asking them to look again
at a hidden idea), "강한 매칭" wherever a strong match is named, and a company's own form fields."""

import pytest
from django.test import Client, override_settings
from django.utils import translation

from tests.accounts.factories import UserFactory
from tests.ideas.factories import IdeaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_uncached")]


@pytest.fixture
def _uncached():
    with override_settings(PAGE_CACHE_SECONDS=0):
        yield


def _client(language: str, user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "shown"),
    [("ko", '공감 <span class="figure">2</span>개'), ("en", '<span class="figure">2</span> supporters')],
)
def test_the_idea_page_counts_supports_as_the_cards_do(language, shown):
    idea = IdeaFactory()
    idea.supports.create(user=UserFactory())
    idea.supports.create(user=UserFactory())

    html = _client(language).get(f"/ideas/{idea.pk}/").content.decode()

    assert shown in html


def test_an_empty_list_without_filters_says_there_are_no_ideas_yet_and_how_to_propose_one():
    visitor = _client("ko").get("/ideas/").content.decode()
    assert "아직 아이디어가 없습니다." in visitor and "조건에 맞는" not in visitor
    assert 'href="/accounts/login/?next=/ideas/new/"' in visitor
    assert 'href="/accounts/signup/?next=/ideas/new/"' in visitor

    citizen = _client("en", UserFactory()).get("/ideas/").content.decode()
    assert "No ideas yet." in citizen and 'class="button" href="/ideas/new/"' in citizen
    # Said once, in words: no "0 ideas" heading above it.
    assert "result-count" not in visitor and "result-count" not in citizen


def test_an_empty_list_with_filters_says_none_match_and_offers_to_clear_them():
    IdeaFactory(category="mobility")

    html = _client("en").get("/ideas/?category=safety").content.decode()

    assert "No ideas match." in html and "No ideas yet." not in html and "0 ideas" not in html
    assert '<a href="/ideas/">Clear filters</a></p>' in html


def test_the_revision_flow_says_bowan_and_the_hidden_ideas_appeal_keeps_look_again():
    with translation.override("ko"):
        assert translation.gettext("Edit and resubmit") == "보완해서 다시 제출하기"
        assert "보완" in translation.gettext("Resubmit for review")
        assert translation.gettext("Changes requested") == "보완 요청됨"
        assert translation.gettext("Ask the moderators to look again") == "다시 검토 요청하기"

    not_found = _client("ko").get("/ideas/999999/")
    assert not_found.status_code == 404
    assert "보완 요청을 받았거나" in not_found.content.decode()


def test_a_strong_match_is_called_the_same_everywhere():
    with translation.override("ko"):
        assert translation.gettext("A new strong match for my company") == "내 기업의 새 강한 매칭"
        assert translation.gettext("published ideas with a strong match") == "강한 매칭이 있는 공개 아이디어"
        assert (
            translation.ngettext(
                "%(count)d new strong match for %(company)s",
                "%(count)d new strong matches for %(company)s",
                2,
            )
            % {"company": "빛고을", "count": 2}
            == "빛고을에 새로운 강한 매칭이 2건 있습니다"
        )


@pytest.mark.parametrize(
    ("language", "name", "slug"),
    [("ko", "기업 이름", "기업 페이지 주소"), ("en", "company name", "page address on this site")],
)
def test_the_company_registration_form_names_its_fields_as_the_companys(language, name, slug):
    html = _client(language, UserFactory()).get("/companies/new/").content.decode()

    assert f'<label for="id_name">{name}</label>' in html
    assert f'<label for="id_slug">{slug}</label>' in html
