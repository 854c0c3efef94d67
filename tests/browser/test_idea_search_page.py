import pytest

from config import celery_app
from matching import services
from tests.browser.conftest import screenshot
from tests.matching.conftest import IDEAS, make_idea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ideas():
    for key in IDEAS:
        services.embedding_refresh_for_idea(idea_id=make_idea(key).pk)


def _search(page, text: str) -> None:
    page.goto("/ideas/")
    page.fill("#id_q", text)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")


def test_a_search_finds_ideas_by_meaning_in_either_language(browser_page, ideas, lookup_worker, settings):
    settings.SEARCH_BY_MEANING_WAIT_SECONDS = 30
    page = browser_page

    _search(page, "떠돌이 개")
    card = page.locator(".cards .card").first
    assert card.locator("h3").inner_text() == IDEAS["dogs"][0]
    assert card.locator(".found-by-meaning").inner_text() == "뜻이 비슷한 아이디어"
    assert page.locator(".notice").count() == 0
    screenshot(page, "idea-search-by-meaning-ko-390")

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.set_viewport_size({"width": 1280, "height": 800})
    _search(page, "약 먹는 걸 잊어요")
    titles = page.locator(".cards .card h3").all_inner_texts()
    assert IDEAS["pills_en"][0] in titles
    assert "Close in meaning" in page.locator(".cards").inner_text()
    screenshot(page, "idea-search-by-meaning-en-1280")


def test_without_a_worker_the_page_says_it_searched_by_words_only(browser_page, ideas):
    celery_app.control.purge()
    page = browser_page

    _search(page, "버스")
    assert page.locator(".notice").inner_text().startswith("지금은 뜻으로 찾기를 할 수 없어")
    assert page.locator(".cards .card h3").all_inner_texts() == [IDEAS["bus"][0]]
    screenshot(page, "idea-search-words-only-ko-390")

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.set_viewport_size({"width": 1280, "height": 800})
    _search(page, "pepper")
    assert page.locator(".notice").inner_text().startswith("Search by meaning is unavailable")
    screenshot(page, "idea-search-words-only-en-1280")


def test_ideas_with_some_of_the_words_are_marked_and_a_search_no_idea_contains_says_so_first(
    browser_page, ideas, lookup_worker, settings
):
    settings.SEARCH_BY_MEANING_WAIT_SECONDS = 30
    page = browser_page

    # No idea says 치매; the crossing idea speaks of 어르신들.
    _search(page, "치매 어르신")
    crossing = page.locator(".cards .card", has_text=IDEAS["crossing"][0])
    assert crossing.locator(".found-by-words").inner_text() == "검색어 일부가 들어 있음"
    assert page.locator(".cards .card h3").first.inner_text() == IDEAS["crossing"][0]
    assert page.locator(".search-summary").count() == 0
    screenshot(page, "idea-search-some-words-ko-390")

    _search(page, "xyzzy")
    summary = page.locator(".search-summary")
    assert summary.inner_text().startswith("“xyzzy” 검색어가 들어 있는 아이디어가 없")
    # Said before any idea is listed.
    assert summary.bounding_box()["y"] < page.locator("main h2, main .cards").first.bounding_box()["y"]
    screenshot(page, "idea-search-no-idea-contains-ko-390")
    # Nothing is close: the loosely related ideas wait behind the fold.
    fold = page.locator("details.loosely-related")
    assert not page.locator(".cards .card").first.is_visible()
    fold.locator("summary").click()
    assert page.locator(".cards .card .found-by-meaning.loosely").first.is_visible()
