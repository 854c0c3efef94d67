"""A form sent back with errors opens on their summary at the top, focused, so a phone shows it and
a screen reader reads it first; a link in it puts the person in the field, its label in view."""

import pytest

from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_VIEW = """(element) => {
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
@pytest.mark.parametrize(
    ("name", "url", "first_field"),
    [
        ("idea-form", "/ideas/new/", "id_title"),
        ("sign-up", "/accounts/signup/", "id_username"),
    ],
)
def test_the_summary_is_focused_and_its_links_lead_into_the_fields(
    browser_page, live_server, language, width, name, url, first_field
):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    if name == "idea-form":
        UserFactory(username="minji")
        log_in(page, "minji", PASSWORD)
    page.goto(url)
    with page.expect_navigation():
        page.click("main form button[type=submit] >> nth=-1")

    summary = page.locator(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert summary.evaluate(IN_VIEW)
    screenshot(page, f"error-summary-{name}-{language}-{width}")

    page.locator(".error-summary a").last.click()
    last_field = page.evaluate("document.activeElement.id")
    assert last_field != first_field and page.locator(f"label[for={last_field}]").evaluate(IN_VIEW)
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == first_field
    assert page.locator(f"label[for={first_field}]").evaluate(IN_VIEW)
