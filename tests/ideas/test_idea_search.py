"""The idea list's search: ideas containing the words first, then ideas close in meaning as the
matcher finds them; by words alone, with a notice, when no worker answers. Ideas a reader may not
see stay out whatever the matcher names."""

import re
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import translation

from config import celery_app
from ideas import selectors
from ideas.models import Idea, IdeaStatus
from ideas.search import ideas_by_meaning
from matching.lookup import SEARCH_PAUSED_KEY
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db

WORDS_ONLY_KO = "지금은 뜻으로 찾기를 할 수 없어, 입력한 낱말이 들어 있는 아이디어만 보여 드립니다."
WORDS_ONLY_EN = "Search by meaning is unavailable right now: only ideas containing your words are shown."


def _titles(queryset) -> list[str]:
    return list(queryset.values_list("title", flat=True))


def test_words_in_the_title_come_first_then_words_in_the_text_then_meaning_alone():
    in_text = IdeaFactory(title="어머니 걱정", problem="혈압약을 자꾸 잊으세요.")
    in_title = IdeaFactory(title="혈압약 알림")
    by_meaning = IdeaFactory(title="My father forgets his pills", problem="He lives alone.", language="en")
    closer_by_meaning = IdeaFactory(title="Medicine reminders", problem="Pill box.", language="en")
    IdeaFactory(title="버스 도착 안내")

    found = selectors.ideas_found(
        ideas=Idea.objects.all(),
        text="혈압약",
        similar={by_meaning.pk: 0.31, closer_by_meaning.pk: 0.42, in_text.pk: 0.5},
    )

    assert _titles(found) == [in_title.title, in_text.title, closer_by_meaning.title, by_meaning.title]
    assert [idea.search_found for idea in found] == ["all_words", "all_words", "meaning", "meaning"]


def test_ideas_containing_some_of_the_words_come_after_those_containing_all_and_before_meaning():
    every_word = IdeaFactory(title="치매 어르신 배회 알림", problem="길을 잃으세요.")
    # Who benefits is part of what is searched: it is often where the person is named.
    every_word_for_whom = IdeaFactory(
        title="아버지가 길을 잃으셨어요", problem="산책 중에요.", beneficiaries="치매 어르신과 가족"
    )
    one_word_in_text = IdeaFactory(title="약 드시는 걸 잊으세요", problem="어르신이 약을 자꾸 잊으세요.")
    one_word_in_title = IdeaFactory(title="어르신 낙상 감지", problem="밤에 쓰러지실까 걱정돼요.")
    some_and_close = IdeaFactory(title="혼자 사는 어르신 안부", problem="매일 전화해요.")
    close = IdeaFactory(title="Elderly care robot", problem="Company at home.", language="en")
    loose = IdeaFactory(title="주말농장 병해충", problem="고추가 시들어요.")
    IdeaFactory(title="버스 도착 안내", problem="정류장에서 기다려요.")

    found = selectors.ideas_found(
        ideas=Idea.objects.all(),
        text="치매 어르신",
        similar={close.pk: 0.4, some_and_close.pk: 0.9, loose.pk: 0.1},
    )

    # Found by some words and by meaning counts as found by words; among those, the closer in
    # meaning first once as many words are in the title.
    assert _titles(found) == [
        every_word.title,
        every_word_for_whom.title,
        some_and_close.title,
        one_word_in_title.title,
        one_word_in_text.title,
        close.title,
        loose.title,
    ]
    assert [idea.search_found for idea in found] == [
        "all_words",
        "all_words",
        "some_words",
        "some_words",
        "some_words",
        "meaning",
        "loosely",
    ]
    assert [idea.search_words for idea in found] == [2, 2, 1, 1, 1, 0, 0]


def test_more_of_the_words_come_first_and_one_word_of_three_is_not_enough():
    two_of_three = IdeaFactory(title="혼자 계신 어르신", problem="매일 안부를 여쭤요.")
    one_of_three = IdeaFactory(title="어르신 무료 급식", problem="점심을 드려요.")

    found = selectors.ideas_found(ideas=Idea.objects.all(), text="혼자 사는 어르신", similar={})

    assert _titles(found) == [two_of_three.title]
    assert one_of_three.title not in _titles(found)


def test_some_of_the_words_count_only_whole_words_that_tell_ideas_apart():
    IdeaFactory(title="병원 예약이 어려워요", problem="전화가 안 돼요.")
    IdeaFactory(title="Hotdog stand permits", problem="Paperwork.", language="en")
    IdeaFactory(title="The park needs lights", problem="It is dark.", language="en")
    dogs = IdeaFactory(title="Stray dogs on the trail", problem="Scary.", language="en")

    # "약" is part of 예약; "dog" of hotdog; "the" is in every English idea.
    assert _titles(selectors.ideas_found(ideas=Idea.objects.all(), text="약 알림", similar={})) == []
    assert _titles(selectors.ideas_found(ideas=Idea.objects.all(), text="the dog", similar={})) == [
        dogs.title
    ]


def _search(text: str, similar: dict[int, float], monkeypatch) -> selectors.IdeaSearchOutcome:
    monkeypatch.setattr(ideas_by_meaning, "_search", lambda *, text, client: similar)
    search = selectors.idea_search(ideas=Idea.objects.all(), text=text, client="test")
    return selectors.idea_search_outcome(search=search, found=search.ideas)


@pytest.mark.parametrize(
    ("language", "close_summary", "loose_summary"),
    [
        (
            "ko",
            "“xyzzy” 검색어가 들어 있는 아이디어가 없습니다. 뜻이 가까울 수 있는 아이디어:",
            "“xyzzy” 검색어가 들어 있는 아이디어가 없고, 뜻이 가까운 아이디어도 없습니다.",
        ),
        (
            "en",
            "No idea contains “xyzzy”. Ideas that may be close in meaning:",
            "No idea contains “xyzzy”, and none is close in meaning.",
        ),
    ],
)
def test_when_no_idea_contains_the_words_the_search_says_so_and_whether_any_is_close(
    monkeypatch, language, close_summary, loose_summary
):
    close = IdeaFactory(title="Medicine reminders")
    loose = IdeaFactory(title="주말농장 병해충")

    with translation.override(language):
        found_close = _search("xyzzy", {close.pk: 0.4, loose.pk: 0.1}, monkeypatch)
        only_loose = _search("xyzzy", {loose.pk: 0.1}, monkeypatch)
        with_words = _search("주말농장", {close.pk: 0.4}, monkeypatch)

    assert (found_close.words_found, found_close.close_in_meaning) == (None, True)
    assert found_close.summary == close_summary and not found_close.only_loosely_related
    assert (only_loose.words_found, only_loose.close_in_meaning) == (None, False)
    assert only_loose.summary == loose_summary and only_loose.only_loosely_related
    assert (with_words.words_found, with_words.summary) == ("all_words", "")


@pytest.mark.parametrize(
    "hidden_from_public",
    [
        {"status": IdeaStatus.SUBMITTED},
        {"status": IdeaStatus.DRAFT},
        {"status": IdeaStatus.REJECTED},
        {"is_hidden": True},
    ],
)
def test_the_matcher_naming_an_idea_never_shows_it_to_whom_it_is_not_public(
    api, alice, bob, hidden_from_public
):
    public = IdeaFactory(title="Stray dogs on the trail", language="en")
    private = IdeaFactory(title="유기견 보호 아이디어", author=alice, **hidden_from_public)
    similar = {private.pk: 0.9, public.pk: 0.4}

    # The author sees her own ideas, as on the list without a search.
    for reader, sees_private in ((AnonymousUser(), False), (bob, False), (alice, True)):
        visible = selectors.idea_list(user=reader)
        titles = _titles(selectors.ideas_found(ideas=visible, text="유기견", similar=similar))
        assert (private.title in titles) is sees_private, reader
        assert public.title in titles


@pytest.fixture
def no_search_worker():
    """Nothing consumes the "similar" queue; whatever an earlier test left queued is dropped."""
    celery_app.control.purge()
    yield
    celery_app.control.purge()


@pytest.mark.integration
def test_without_a_worker_the_search_goes_by_words_and_says_so(api, client, settings, no_search_worker):
    settings.SEARCH_BY_MEANING_WAIT_SECONDS = 0.5
    settings.SEARCH_BY_MEANING_PAUSE_SECONDS = 30
    IdeaFactory(title="어머니 혈압약 알림", problem="혈압약을 자꾸 잊으세요.")
    IdeaFactory(title="My mother forgets her pills", problem="She lives alone.", language="en")
    IdeaFactory(title="비공개 혈압약 아이디어", status=IdeaStatus.SUBMITTED)

    started = time.monotonic()
    response = api().get("/api/v1/ideas/", {"q": "혈압약"})
    waited = time.monotonic() - started

    assert response.status_code == 200
    body = response.json()
    assert [row["title"] for row in body["results"]] == ["어머니 혈압약 알림"]
    assert body["search"] == {
        "by_meaning": False,
        "notice": WORDS_ONLY_KO,
        "words_found": "all_words",
        "close_in_meaning": False,
        "summary": "",
    }
    assert waited < 0.5 + 2

    # The next searches do not wait for the missing workers again, for a while.
    assert cache.get(SEARCH_PAUSED_KEY)
    # A wait long enough that skipping it cannot be mistaken for a slow machine: asking the
    # workers again would take at least twice this.
    settings.SEARCH_BY_MEANING_WAIT_SECONDS = 5
    client.cookies["django_language"] = "en"
    started = time.monotonic()
    page = client.get("/ideas/", {"q": "혈압약"})
    english = api().get("/api/v1/ideas/", {"q": "pills"}, HTTP_ACCEPT_LANGUAGE="en")
    assert time.monotonic() - started < 5
    assert page.status_code == 200
    html = page.content.decode()
    assert WORDS_ONLY_EN in html
    assert "어머니 혈압약 알림" in html and "비공개 혈압약 아이디어" not in html
    assert [row["title"] for row in english.json()["results"]] == ["My mother forgets her pills"]
    assert english.json()["search"]["notice"] == WORDS_ONLY_EN


def test_a_list_without_a_search_says_nothing_about_searching(api, client):
    IdeaFactory(title="버스 도착 알림")

    body = api().get("/api/v1/ideas/").json()
    page = client.get("/ideas/").content.decode()

    assert "search" not in body
    assert WORDS_ONLY_KO not in page


def _ordering_options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="ordering"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no sort box"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


@pytest.mark.integration
def test_a_search_lists_the_best_matches_first_unless_another_order_is_chosen(api, client, no_search_worker):
    older = IdeaFactory(title="혈압약 알림")
    newer = IdeaFactory(title="어머니 걱정", problem="혈압약을 자꾸 잊으세요.")

    unsearched = client.get("/ideas/").content.decode()
    # The list's sort box sends the default order as none, so a search typed there is not
    # turned into the newest matches.
    assert _ordering_options(unsearched)[0] == ("", "최신순")
    searched = client.get("/ideas/", {"q": "혈압약", "ordering": ""}).content.decode()
    assert _ordering_options(searched)[:2] == [("", "정확도순"), ("-newest", "최신순")]
    assert searched.index(older.title) < searched.index(newer.title)

    def titles(params):
        response = api().get("/api/v1/ideas/", params)
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["results"]]

    assert titles({"q": "혈압약"}) == [older.title, newer.title]
    assert titles({"q": "혈압약", "ordering": "-newest"}) == [newer.title, older.title]
    assert titles({"ordering": "-newest"}) == [newer.title, older.title]


@pytest.mark.parametrize(
    ("language", "some_words", "none_close", "fold"),
    [
        ("ko", "검색어 일부가 들어 있음", "뜻이 가까운 아이디어도 없습니다", "관련성 낮은 아이디어 1건 보기"),
        ("en", "Contains some of your words", "none is close", "Show the 1 idea only loosely related"),
    ],
)
def test_the_list_page_marks_some_words_and_says_first_when_no_idea_contains_them(
    client, monkeypatch, language, some_words, none_close, fold
):
    every_word = IdeaFactory(title="치매 어르신 배회 알림")
    one_word = IdeaFactory(title="어르신 낙상 감지")
    loose = IdeaFactory(title="주말농장 병해충")
    monkeypatch.setattr(ideas_by_meaning, "_search", lambda *, text, client: {loose.pk: 0.1})
    client.cookies["django_language"] = language

    html = client.get("/ideas/", {"q": "치매 어르신"}).content.decode()

    def card(idea) -> str:
        return html[html.index(f'href="/ideas/{idea.pk}/"') :].split("</li>")[0]

    assert some_words in card(one_word) and some_words not in card(every_word)
    assert "search-summary" not in html and "loosely-related" not in html

    html = client.get("/ideas/", {"q": "xyzzy"}).content.decode()

    summary = html.index('class="search-summary"')
    assert none_close in html[summary:].split("</p>")[0]
    # Said before the list, whose loosely related ideas are folded away.
    fold_at = html.index('<details class="fold loosely-related">')
    assert summary < fold_at < html.index(fold) < html.index(f'href="/ideas/{loose.pk}/"')


def test_the_api_says_why_each_idea_is_found_and_whether_any_contains_the_words(api, monkeypatch):
    one_word = IdeaFactory(title="어르신 낙상 감지")
    close = IdeaFactory(title="Elderly care robot", language="en")
    loose = IdeaFactory(title="주말농장 병해충")
    monkeypatch.setattr(ideas_by_meaning, "_search", lambda *, text, client: {close.pk: 0.4, loose.pk: 0.1})

    body = api().get("/api/v1/ideas/", {"q": "치매 어르신"}, HTTP_ACCEPT_LANGUAGE="en").json()
    nothing = api().get("/api/v1/ideas/", {"q": "xyzzy"}, HTTP_ACCEPT_LANGUAGE="en").json()
    unsearched = api().get("/api/v1/ideas/").json()

    assert [(row["id"], row["found_by"]) for row in body["results"]] == [
        (one_word.pk, "some_words"),
        (close.pk, "meaning"),
        (loose.pk, "loosely"),
    ]
    assert body["search"] == {
        "by_meaning": True,
        "notice": "",
        "words_found": "some_words",
        "close_in_meaning": True,
        "summary": "",
    }
    assert nothing["search"]["words_found"] is None and nothing["search"]["close_in_meaning"] is True
    assert nothing["search"]["summary"] == "No idea contains “xyzzy”. Ideas that may be close in meaning:"
    assert "search" not in unsearched and {row["found_by"] for row in unsearched["results"]} == {None}
