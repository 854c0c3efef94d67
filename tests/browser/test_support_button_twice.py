"""“Support this idea” pressed in a second tab opened before the first press leaves one support,
as its label says, rather than taking the first one back."""

import pytest

from ideas.models import Support
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.ideas.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_support_pressed_again_in_a_second_tab_leaves_one_support(browser_page):
    user = UserFactory(username="minji")
    idea = IdeaFactory()
    first = browser_page
    log_in(first, "minji", PASSWORD)
    first.goto(f"/ideas/{idea.pk}/")
    with first.expect_popup() as opened:
        first.evaluate("window.open(location.href)")
    second = opened.value
    second.wait_for_load_state()

    first.click("#support button")
    first.wait_for_selector("text=이 아이디어에 공감했습니다.")
    assert first.inner_text("#support button") == "공감 취소"
    assert second.inner_text("#support button") == "이 아이디어에 공감하기"
    second.click("#support button")
    second.wait_for_selector("text=이미 공감한 아이디어입니다.")

    assert Support.objects.filter(idea=idea, user=user).count() == 1
    assert second.inner_text("#support button") == "공감 취소"
    screenshot(second, "support-pressed-in-a-second-tab-ko")
