"""Signing up on a phone: the privacy notice is shown, the agreement is required, and the two
passwords must match."""

import pytest

from accounts.models import User
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_signs_up_after_reading_what_is_collected(browser_page):
    page = browser_page
    page.goto("/accounts/signup/")
    assert "수집하는 개인정보와 목적" in page.inner_text("main")
    page.fill("#id_username", "minji")
    page.fill("#id_password", "빛고을-산책-2026")
    page.fill("#id_password_again", "빛고을-산책-2026")

    page.click("form button[type=submit] >> nth=-1")
    assert "개인정보 수집·이용에 동의해 주세요" in page.inner_text("main")
    assert not User.objects.filter(username="minji").exists()
    screenshot(page, "sign-up-needs-consent")

    page.fill("#id_password", "빛고을-산책-2026")
    page.fill("#id_password_again", "빛고을-산책-2026")
    page.check("#id_privacy_consent")
    with page.expect_navigation():
        page.click("form button[type=submit] >> nth=-1")

    assert User.objects.filter(username="minji").exists()
