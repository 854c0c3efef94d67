"""A form's fields keep to a readable width on a desktop (log-in, the idea form beside its similar
ideas, a comment) and fill the phone's width; tables are not narrowed with them."""

import pytest

from ideas.models import IdeaStatus
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.ideas.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READABLE = 40 * 16  # 40rem, in px
MAIN_TEXT_WIDTH = """() => {
  const main = document.querySelector("main"), style = getComputedStyle(main);
  return main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
}"""


def _width(page, selector: str) -> float:
    return page.locator(selector).bounding_box()["width"]


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("ko", 1280), ("en", 390), ("en", 1280)])
def test_fields_keep_to_a_readable_width_on_a_desktop_and_fill_a_phone(
    browser_page, live_server, language, width
):
    UserFactory(username="minji")
    idea = IdeaFactory(status=IdeaStatus.PUBLISHED)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto("/accounts/login/")
    text_width = page.evaluate(MAIN_TEXT_WIDTH)
    for field in ("#id_username", "#id_password"):
        if width < 600:
            assert _width(page, field) == pytest.approx(text_width, abs=1)
        else:
            assert _width(page, field) <= READABLE + 1
    screenshot(page, f"form-width-log-in-{language}-{width}")

    log_in(page, "minji", PASSWORD)
    page.goto(f"/ideas/{idea.pk}/")
    assert _width(page, "#id_comment_body") <= (text_width if width < 600 else READABLE) + 1

    page.goto("/ideas/new/")
    title = page.locator("#id_title").bounding_box()
    assert title["width"] <= READABLE + 1
    if width >= 600:
        # The similar ideas stay beside the fields, not pushed under them.
        similar = page.locator("#similar").bounding_box()
        assert similar["x"] >= title["x"] + title["width"]
    screenshot(page, f"form-width-idea-form-{language}-{width}")

    page.goto("/me/")
    table = page.locator("table.notification-settings").bounding_box()
    fieldset = page.locator("#notification-settings fieldset").bounding_box()
    assert table["width"] >= fieldset["width"] - 40  # the table fills its box, as before
