"""Empty sections on the pages as a browser draws them: no heading over a list that is empty."""

import pytest

from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_the_similar_ideas_heading_waits_for_something_to_show(browser_page, live_server, language, width):
    UserFactory(username="minji")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "minji", PASSWORD)

    page.goto("/ideas/new/")
    screenshot(page, f"empty-similar-ideas-{language}-{width}")

    assert not page.locator("#similar h2").is_visible()
    assert not page.locator("#similar .meta").is_visible()
    assert page.locator("#similar-ideas").count() == 1  # still there, to announce what comes


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_an_empty_list_says_so_in_a_sentence_not_a_bulleted_item(browser_page, live_server, language, width):
    UserFactory(username="minji")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "minji", PASSWORD)

    page.goto("/me/")
    screenshot(page, f"empty-my-page-{language}-{width}")
    # A new member's page: no idea, support, follow, notification, pilot or company yet.
    assert page.locator("main p.empty").count() == 7
    assert page.locator("main :is(ul, ol):not(:has(li))").count() == 0
    assert page.locator("main :is(ul, ol) .empty").count() == 0

    page.goto("/ideas/")
    screenshot(page, f"empty-idea-list-{language}-{width}")
    assert page.locator("main .cards").count() == 0
    assert page.locator("main p.empty").count() == 1
    # No filters: there are no ideas at all yet, and the way to propose the first.
    assert page.inner_text("main p.empty") == (
        "아직 아이디어가 없습니다." if language == "ko" else "No ideas yet."
    )
    assert page.locator("main a[href='/ideas/new/']").count() == 1
