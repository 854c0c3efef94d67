"""Previous and next under a long list are easy to tap on a phone, and sit in one row with where
the reader is among the pages, on a phone as on a desktop."""

import pytest

from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.ideas.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP = 44  # px: the smallest target a finger hits reliably (WCAG 2.5.5, Apple and Android guidance)


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_previous_and_next_are_big_enough_to_tap(browser_page, live_server, language, width):
    IdeaFactory.create_batch(25)  # three pages of 12: the second has both links
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto("/ideas/?page=2")

    links = page.locator("nav.pages a")
    assert links.count() == 2
    boxes = [links.nth(i).bounding_box() for i in range(2)]
    for box in boxes:
        assert box["height"] >= TAP and box["width"] >= TAP, box
    where = page.locator("nav.pages span").bounding_box()
    middles = {round(box["y"] + box["height"] / 2) for box in [*boxes, where]}
    assert max(middles) - min(middles) <= 1  # one row: "Previous", "page 2 of 3", "Next"
    assert boxes[0]["x"] + boxes[0]["width"] <= where["x"] <= where["x"] + where["width"] <= boxes[1]["x"]
    screenshot(page, f"page-links-{language}-{width}")
    # The end of the list as the reader sees it on the screen, the links in reach.
    page.locator("footer").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"page-links-{language}-{width}-screen.png"))
