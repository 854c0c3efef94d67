"""Every field with a limit counts the same way, whether its page words its counter or the site's
script adds one: a company's profile summary counts as an idea's problem does."""

import pytest

from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.companies.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTED = {
    "ko": ("14/300자", "302/300자 · 2자 초과: 300자 이내로 줄여 주세요."),
    "en": ("14 of 300 characters", "302 of 300 characters · 2 too many: shorten it to 300 characters."),
}


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_a_profile_summary_counts_as_an_ideas_text_does(browser_page, live_server, language, width):
    counted, over = COUNTED[language]
    member = MembershipFactory(user=UserFactory(username="owner"))
    page = browser_page
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "owner", PASSWORD)
    page.goto(f"/companies/{member.company.slug}/edit/")

    page.fill("#id_summary", "복약 디스펜서 개발사입니다")
    assert page.inner_text("#id_summary-counter") == counted
    page.fill("#id_summary", "가" * 302)
    assert page.inner_text("#id_summary-counter") == over
    page.locator("#id_summary-counter").scroll_into_view_if_needed()
    screenshot(page, f"counter-profile-summary-{language}-{width}")
