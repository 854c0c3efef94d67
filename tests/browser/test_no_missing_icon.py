"""The site has no icon of its own: its pages say so, so a browser does not ask for /favicon.ico
on a visitor's first page and get the 404 page (rendered for nothing, and an error in the
console)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_first_page_a_browser_opens_asks_for_nothing_missing(browser_page):
    errors, asked = [], []
    browser_page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    browser_page.on("request", lambda request: asked.append(request.url))

    browser_page.goto("/")
    browser_page.goto("/ideas/")
    browser_page.wait_for_timeout(500)

    assert errors == []
    assert not [url for url in asked if url.endswith("/favicon.ico")]
