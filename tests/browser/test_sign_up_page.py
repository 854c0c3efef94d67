"""Signing up on a phone: the privacy notice is shown, the agreement is required, and the
passwords, emptied when the form comes back, are asked for again."""

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
    # The passwords come back empty: the summary and each field ask for them again, so that
    # ticking the box alone is not refused next.
    summary = page.locator(".error-summary").inner_text()
    assert "비밀번호: 보안을 위해 비워 두었습니다. 다시 입력해 주세요." in summary
    assert "비밀번호 확인: 보안을 위해 비워 두었습니다. 다시 입력해 주세요." in summary
    for field in ("#id_password", "#id_password_again"):
        assert page.input_value(field) == ""
        assert page.get_attribute(field, "aria-invalid") == "true"
    screenshot(page, "sign-up-needs-consent")

    page.fill("#id_password", "빛고을-산책-2026")
    page.fill("#id_password_again", "빛고을-산책-2026")
    page.check("#id_privacy_consent")
    with page.expect_navigation():
        page.click("form button[type=submit] >> nth=-1")

    assert User.objects.filter(username="minji").exists()
