"""Signing up on a phone: the privacy notice is shown, the agreement is required, and the
passwords, emptied when the form comes back, are asked for again."""

import pytest

from accounts.models import User
from tests.accounts.factories import UserFactory
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


def test_every_error_is_told_at_once_on_a_phone(browser_page):
    UserFactory(username="citizen1")
    page = browser_page
    page.goto("/accounts/signup/")
    page.fill("#id_username", "citizen1")
    page.fill("#id_email", "citizen1@")
    page.fill("#id_password", "1234")
    page.fill("#id_password_again", "4321")

    with page.expect_navigation():
        page.click("form button[type=submit] >> nth=-1")

    summary = page.locator(".error-summary").inner_text()
    for error in (
        "아이디: 이미 사용 중인 아이디입니다.",
        "이메일: 유효한 이메일 주소를 입력하세요.",
        "비밀번호: 비밀번호가 너무 짧습니다. 8자 이상으로 정해 주세요.",
        "비밀번호: 숫자로만 된 비밀번호입니다. 글자도 섞어 주세요.",
        "비밀번호 확인: 두 비밀번호가 같지 않습니다.",
        "회원가입하려면 개인정보 수집·이용에 동의해 주세요.",
    ):
        assert error in summary
    assert page.input_value("#id_username") == "citizen1"
    assert page.input_value("#id_password") == ""
    screenshot(page, "sign-up-every-error-ko-390")


@pytest.mark.parametrize("language", ["en"])
def test_a_new_citizen_is_welcomed_on_my_page(browser_page, live_server, language):
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto("/accounts/signup/")
    page.fill("#id_username", "minji")
    page.fill("#id_display_name", "Minji Kim")
    page.fill("#id_password", "빛고을-산책-2026")
    page.fill("#id_password_again", "빛고을-산책-2026")
    page.check("#id_privacy_consent")

    with page.expect_navigation():
        page.click("form button[type=submit] >> nth=-1")

    assert page.url.endswith("/me/")
    welcome = page.locator(".messages .success")
    assert welcome.inner_text().startswith("Welcome, Minji Kim. You are signed in.")
    # Seen on the first screen of a phone, above the fold of the menu's links.
    assert welcome.bounding_box()["y"] + welcome.bounding_box()["height"] <= 844
    screenshot(page, "sign-up-welcome-en-390")
