"""The idea list's search: ideas containing the words first, then ideas close in meaning as the
matcher finds them; by words alone, with a notice, when no worker answers. Ideas a reader may not
see stay out whatever the matcher names."""

import re
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from config import celery_app
from ideas import selectors
from ideas.models import Idea, IdeaStatus
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
    assert [idea.search_words for idea in found] == [2, 1, 0, 0]


def test_every_word_must_appear_somewhere_for_a_match_by_words():
    IdeaFactory(title="공원 혈압 측정", problem="산책하면서 혈압을 재고 싶어요.")
    IdeaFactory(title="공원 산책로 조명", problem="밤에 어두워요.")

    assert _titles(selectors.ideas_found(ideas=Idea.objects.all(), text="공원 혈압", similar={})) == [
        "공원 혈압 측정"
    ]


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
    assert body["search"] == {"by_meaning": False, "notice": WORDS_ONLY_KO}
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
