"""The home page's main action, "Propose an idea", is on the first screen of a phone in either
language: the three steps before it are compact there (each a short paragraph, no card), and
stay cards in a row on a desktop."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A common phone's screen in CSS pixels (iPhone 12 to 14).
PHONE = {"width": 390, "height": 844}

STEPS = """() => [...document.querySelectorAll("main > ol.cards > li")].map((el) => {
  const r = el.getBoundingClientRect();
  const border = getComputedStyle(el).borderTopStyle;
  return {y: Math.round(r.y), height: r.height, text: el.innerText, border};
})"""


@pytest.mark.parametrize("language", ["ko", "en"])
def test_propose_an_idea_is_on_a_phones_first_screen(browser_page, live_server, language):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto("/")
    screenshot(page, f"home-first-screen-{language}-390")

    button = page.locator("main a.button[href='/ideas/new/']").first.bounding_box()
    assert button["y"] + button["height"] <= PHONE["height"]
    steps = page.evaluate(STEPS)
    assert len(steps) == 3
    # Each step still says what happens, in words.
    assert all(len(step["text"].split()) > 3 for step in steps)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_desktop_keeps_the_steps_as_cards_in_a_row(browser_page, live_server, language):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto("/")
    screenshot(page, f"home-first-screen-{language}-1280")

    steps = page.evaluate(STEPS)
    assert len({step["y"] for step in steps}) == 1
    assert {step["border"] for step in steps} == {"solid"}
    button = page.locator("main a.button[href='/ideas/new/']").first.bounding_box()
    assert button["y"] + button["height"] <= 900
