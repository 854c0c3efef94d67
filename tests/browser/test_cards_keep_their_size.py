"""Cards keep the width of a full row however few there are: a search or a filter that finds one or
two ideas does not stretch them across the page. A phone still gives each card the whole width,
and the home page's three steps still stand in one row on a desktop."""

import pytest

from ideas.models import Category
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import log_in, screenshot
from tests.ideas.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = [("ko", 390), ("en", 1280)]

CARDS = """(selector) => [...document.querySelectorAll(selector)].map((el) => {
  const r = el.getBoundingClientRect();
  return {x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width)};
})"""


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_one_card_is_as_wide_as_the_cards_of_a_full_row(browser_page, live_server, language, width):
    for n in range(4):
        IdeaFactory(title=f"버스 도착 알림이 필요해요 {n}", category=Category.MOBILITY)
    IdeaFactory(title="떠돌이 개가 많아요", category=Category.ANIMALS)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto(f"/ideas/?category={Category.MOBILITY}")
    many = page.evaluate(CARDS, ".cards .card")
    page.goto(f"/ideas/?category={Category.ANIMALS}")
    one = page.evaluate(CARDS, ".cards .card")
    screenshot(page, f"one-card-{language}-{width}")

    assert len(many) == 4 and len(one) == 1
    assert one[0]["width"] == many[0]["width"]
    main = page.locator("main").evaluate("(el) => el.clientWidth - 32")  # 1rem of padding each side
    if width < 600:
        assert one[0]["width"] == main  # a phone's one column
    else:
        assert one[0]["width"] < main / 2

    page.goto("/")
    steps = page.evaluate(CARDS, "main > ol.cards > li")
    assert len(steps) == 3
    if width >= 600:
        assert len({step["y"] for step in steps}) == 1  # one row


def test_my_ideas_stay_a_list_of_full_width_rows(browser_page, live_server, alice):
    """My page lists the reader's ideas one a row, each with its status and note beside its title,
    not in the cards' grid of narrow columns."""
    IdeaFactory(author=alice, title="버스 도착 알림이 필요해요")
    IdeaFactory(author=alice, title="떠돌이 개가 많아요")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, alice.username, PASSWORD)

    page.goto("/me/")
    rows = page.evaluate(CARDS, ".my-ideas .card")

    assert len(rows) == 2
    assert rows[0]["width"] == rows[1]["width"]
    assert rows[0]["x"] == rows[1]["x"] and rows[0]["y"] < rows[1]["y"]
    main = page.locator("main").evaluate("(el) => el.clientWidth - 32")
    assert rows[0]["width"] == main
