"""A form that leads to another page is sent once however fast its button is pressed twice (site.js);
back on the page later, it can be sent again."""

import pytest

from ideas.models import Comment
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in
from tests.ideas.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_comment_posted_with_a_double_click_is_posted_once(browser_page):
    from playwright.sync_api import Error as PlaywrightError

    UserFactory(username="minji")
    idea = IdeaFactory()
    page = browser_page
    log_in(page, "minji", PASSWORD)
    page.goto(f"/ideas/{idea.pk}/")
    # Each post is held in the browser until both clicks are made, as on a slow connection, where
    # a second click comes while the first post is still on its way.
    held = []
    page.route(f"**/ideas/{idea.pk}/comment/", lambda route: held.append(route))
    button = page.locator("form:has(#id_comment_body) button[type=submit]")

    page.fill("#id_comment_body", "저도 같은 불편을 겪어요.")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    # The mouse itself: a locator's click would wait for the first post's page before the second.
    for _click in range(2):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(300)
    sent = len(held)
    with page.expect_navigation():
        for route in held:
            try:
                route.continue_()
            except PlaywrightError:
                pass  # a post the browser gave up for the one sent after it
    page.unroute(f"**/ideas/{idea.pk}/comment/")
    page.wait_for_load_state()

    assert sent == 1
    assert list(Comment.objects.values_list("body", flat=True)) == ["저도 같은 불편을 겪어요."]

    # Back on the page, it is restored as it was left: the browser here keeps no back/forward
    # cache, so the restored form, marked as sent, and the browser's pageshow are made by hand.
    page.go_back()
    page.evaluate(
        """() => {
            document.getElementById("id_comment_body").form.dataset.sent = "";
            window.dispatchEvent(new PageTransitionEvent("pageshow", {persisted: true}));
        }"""
    )
    page.fill("#id_comment_body", "버스 정류장 화면도 있으면 좋겠어요.")
    with page.expect_navigation():
        button.click()

    assert Comment.objects.count() == 2
