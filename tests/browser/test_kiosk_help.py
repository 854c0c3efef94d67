"""The kiosk's help for a passer-by with no code, by the pilot's stage, and its words for a code
holding a character codes never use; in Korean and English, on a phone and a wide screen."""

import pytest

from pilots.models import PilotStage
from tests.browser.conftest import axe_violations, screenshot
from tests.donations.factories import donation_pilot
from tests.donations.stations import register_station

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 900}}
RECRUITING_HELP = {
    "ko": "아직 코드가 없으신가요? 휴대폰에서 아래 주소나 QR 코드로 이 실증 사업 페이지를 열고",
    "en": "No code yet? On your phone, open this pilot's page at the address below or with the QR code",
}
VOLUNTEERS_ONLY = {
    "ko": (
        "이 측정소는 이 실증 사업에 지금 참여하고 있는 분만 이용할 수 있습니다. "
        "지금은 새 참여자를 모집하지 않습니다."
    ),
    "en": (
        "This station is for the pilot's current volunteers only: the pilot is not taking new volunteers now."
    ),
}
UNUSED_CHARACTERS = {
    "ko": "코드에는 0, 1, I, L, O가 쓰이지 않습니다. 다시 확인해 주세요.",
    "en": "Codes never use 0, 1, I, L or O. Please check the code again.",
}


def _kiosk(browser_page, live_server, key: str, language: str):
    tablet = browser_page.context.browser.new_context(
        viewport=SIZES["1280"], base_url=live_server.url, locale="ko-KR"
    )
    kiosk = tablet.new_page()
    kiosk.set_default_timeout(30_000)
    kiosk.goto(f"/kiosk/#key={key}")
    kiosk.locator("#kiosk-welcome-title").wait_for()
    if language == "en":
        with kiosk.expect_navigation():
            kiosk.click(".kiosk-language button[value=en]")
        kiosk.locator("#kiosk-welcome-title", has_text="Donate your reading").wait_for()
    return tablet, kiosk


def _shots(kiosk, name: str) -> None:
    for label, size in SIZES.items():
        kiosk.set_viewport_size(size)
        screenshot(kiosk, f"{name}-{label}")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_while_the_pilot_recruits_the_kiosk_gives_its_page_as_an_address_and_a_qr_code(
    browser_page, live_server, company, settings, language
):
    settings.SITE_URL = "https://pilots.gwangju.example"
    setup = donation_pilot(company=company, stage=PilotStage.RECRUITING)
    tablet, kiosk = _kiosk(browser_page, live_server, register_station(setup.pilot).key, language)

    help_ = kiosk.locator("#kiosk-first-time-recruiting")
    help_.wait_for()
    assert RECRUITING_HELP[language] in help_.inner_text()
    assert kiosk.locator("#kiosk-pilot-url").inner_text() == (
        f"https://pilots.gwangju.example/pilots/{setup.pilot.pk}/"
    )
    qr = kiosk.locator("#kiosk-pilot-qr")
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    assert qr.bounding_box()["width"] >= 150
    assert kiosk.locator("#kiosk-first-time-volunteers-only").is_hidden()
    _shots(kiosk, f"kiosk-help-recruiting-{language}")
    assert [v["id"] for v in axe_violations(kiosk) if v["impact"] in ("serious", "critical")] == []
    # On a phone-wide screen the address stays inside it.
    assert kiosk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tablet.close()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_while_the_pilot_does_not_recruit_the_kiosk_is_for_its_volunteers_only(
    browser_page, live_server, company, language
):
    setup = donation_pilot(company=company, stage=PilotStage.RUNNING)
    tablet, kiosk = _kiosk(browser_page, live_server, register_station(setup.pilot).key, language)

    only = kiosk.locator("#kiosk-first-time-volunteers-only")
    only.wait_for()
    assert only.inner_text() == VOLUNTEERS_ONLY[language]
    assert kiosk.locator("#kiosk-first-time-recruiting").is_hidden()
    assert kiosk.locator("#kiosk-pilot-qr").get_attribute("src") is None

    # A code read off the phone with a look-alike: the screen says which characters codes never use.
    kiosk.fill("#kiosk-code", "ABC123")
    kiosk.click("#kiosk-code-form button")
    kiosk.locator("#kiosk-code-error", has_text=UNUSED_CHARACTERS[language]).wait_for()
    assert kiosk.locator("#kiosk-code").get_attribute("aria-invalid") == "true"
    _shots(kiosk, f"kiosk-help-volunteers-only-{language}")
    tablet.close()
