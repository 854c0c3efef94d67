import pytest

from tests.browser.conftest import screenshot
from tests.matching.test_company_search import _demo_companies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _search(page, text: str) -> None:
    page.goto("/companies/")
    page.fill("#id_q", text)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")


def test_a_korean_search_finds_the_company_whose_english_profile_means_it(
    browser_page, lookup_worker, settings
):
    settings.SEARCH_BY_MEANING_WAIT_SECONDS = 30
    _demo_companies()
    page = browser_page

    _search(page, "고양이")
    card = page.locator(".cards .card").first
    assert card.locator("h2").inner_text() == "Straytrace Labs"
    assert card.locator(".found-by-meaning").inner_text() == "소개 내용의 뜻이 비슷한 기업"
    assert page.locator(".notice").count() == 0
    screenshot(page, "company-search-by-meaning-ko-390")

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.set_viewport_size({"width": 1280, "height": 800})
    _search(page, "farm")
    card = page.locator(".cards .card").first
    assert card.locator("h2").inner_text() == "들녘인사이트"
    assert card.locator(".found-by-meaning").inner_text() == "Profile close in meaning"
    screenshot(page, "company-search-by-meaning-en-1280")
