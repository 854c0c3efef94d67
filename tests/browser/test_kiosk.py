"""A donation at a station, end to end in the browser: the donor's code on their phone, the kiosk
on a tablet (no account), the device posting a reading, and the company's result on the screen."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone, translation
from django.utils.formats import time_format

from donations.models import Donation, DonationResult, Reading, ResultLevel, StationVisit
from donations.services import consent_withdraw
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.donations.factories import donation_pilot
from tests.donations.stations import register_station

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 1024, "height": 768}
TABLET_PORTRAIT = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
CANCEL_FAILED = {
    "en": (
        "The visit could not be cancelled: the station may still take a reading. "
        "Try again, or ask staff for help."
    ),
    "ko": (
        "이용을 취소하지 못했습니다. 측정기가 아직 측정값을 받아 이 기부로 저장할 수 있습니다. "
        "다시 눌러 보시거나 담당자에게 도움을 요청해 주세요."
    ),
}
CLOSE_FAILED = {
    "en": (
        "The visit could not be closed: the station may still take a reading for you. "
        "Try again, or ask staff for help."
    ),
    "ko": (
        "이용을 마치지 못했습니다. 측정기가 아직 측정값을 받아 이 기부로 저장할 수 있습니다. "
        "다시 눌러 보시거나 담당자에게 도움을 요청해 주세요."
    ),
}
NAMES_NOTE = "Some names are in Korean only: staff did not write them in English."


def _device_measures(live_server, key: str) -> threading.Thread:
    """The measuring device, as in the demo: the management command, over HTTP."""

    def run():
        try:
            call_command(
                "play_station_device",
                key=key,
                url=live_server.url,
                interval=0.3,
                measure_seconds=1,
                once=True,
                seed=11,
                stdout=StringIO(),
            )
        finally:
            # A thread's own database connection would keep the test database from being dropped.
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _donor_code(page, pilot_id: int) -> str:
    page.goto(f"/pilots/{pilot_id}/")
    page.click(f"a[href='/me/donations/code/{pilot_id}/']")
    page.click("main form button[type=submit]")
    code = page.locator(".donor-code-value")
    code.wait_for()
    return code.inner_text()


def _post_result(setup, company, level: str, text: str, value: float) -> DonationResult:
    """What the company's analyser posts back for the visit's donation."""
    return DonationResult.objects.create(
        pilot=setup.pilot,
        company=company,
        volunteer=setup.volunteer,
        donation=Donation.objects.latest("id"),
        text=text,
        value=value,
        unit="mmHg",
        level=level,
    )


def _clock(language: str) -> str:
    """The reading's time as the site's pages write it (config/formats), in the site's zone."""
    with translation.override(language):
        return time_format(timezone.localtime(Reading.objects.get().measured_at), "TIME_FORMAT")


def _shots(kiosk, name: str) -> None:
    for size, label in ((TABLET, "tablet"), (TABLET_PORTRAIT, "tablet-portrait"), (PHONE, "phone")):
        kiosk.set_viewport_size(size)
        screenshot(kiosk, f"{name}-{label}")
    kiosk.set_viewport_size(TABLET)


def _tablet(phone, live_server):
    """The station's tablet: a browser of its own, with no account and no cookie of the donor's."""
    tablet = phone.context.browser.new_context(viewport=TABLET, base_url=live_server.url, locale="ko-KR")
    kiosk = tablet.new_page()
    kiosk.set_default_timeout(30_000)
    return tablet, kiosk


def _set_up(kiosk, key: str) -> None:
    """Staff paste the station's key into the kiosk once."""
    kiosk.goto("/kiosk/")
    kiosk.fill("#kiosk-key", key)
    kiosk.click("#kiosk-setup-form button")
    kiosk.locator("#kiosk-welcome-title").wait_for()


def test_a_donation_at_the_kiosk_shows_the_reading_and_then_the_result(browser_page, live_server, company):
    setup = donation_pilot(company=company, volunteer_user=UserFactory(username="erin", display_name="에린"))
    registered = register_station(setup.pilot)
    phone = browser_page
    tablet, kiosk = _tablet(phone, live_server)

    # The donor asks for a code on their phone.
    log_in(phone, "erin", PASSWORD)
    code = _donor_code(phone, setup.pilot.pk)
    assert len(code.replace(" ", "")) == 6
    assert phone.locator(".donor-code-qr svg").is_visible()
    screenshot(phone, "donor-code-phone-ko")
    phone.set_viewport_size(TABLET)
    screenshot(phone, "donor-code-tablet-ko")
    phone.set_viewport_size(PHONE)

    # Staff set up the tablet once with the station's key.
    kiosk.goto("/kiosk/")
    kiosk.locator("#kiosk-setup-title").wait_for()
    kiosk.fill("#kiosk-key", "st_wrong-key")
    kiosk.click("#kiosk-setup-form button")
    kiosk.locator("#kiosk-setup-error", has_text="알 수 없는 측정소 키입니다.").wait_for()
    screenshot(kiosk, "kiosk-setup-wrong-key-tablet-ko")
    kiosk.fill("#kiosk-key", registered.key)
    kiosk.click("#kiosk-setup-form button")
    kiosk.locator("#kiosk-welcome-title").wait_for()
    assert kiosk.locator("#kiosk-station-name").inner_text() == "운천저수지 공원 2번 출입구"
    assert kiosk.locator("#kiosk-pilot-title").inner_text() == setup.pilot.title
    # Read in Korean, the Korean title and place are not told apart.
    assert not kiosk.locator("#kiosk-korean-note").is_visible()
    assert kiosk.locator(".kiosk-header .korean-only:visible").count() == 0
    assert kiosk.locator("#kiosk-takes").inner_text() == "이 측정소에서 기부할 수 있는 데이터: 혈압과 맥박"
    assert not kiosk.locator("#kiosk-takes-note").is_visible()
    # The example code is told beside the box: nothing in the box looks like a code typed in.
    assert kiosk.locator("#kiosk-code").get_attribute("placeholder") is None
    assert kiosk.locator("#kiosk-code-hint").inner_text() == "영문·숫자 6자리, 예: K7P 3QX"
    # Taking the key off the tablet is for staff, folded away from the donors.
    assert kiosk.locator("#kiosk-staff summary").inner_text() == "담당자용"
    assert not kiosk.locator("#kiosk-forget").is_visible()
    _shots(kiosk, "kiosk-welcome-ko")

    # The donor types the code; the device measures; the reading shows.
    kiosk.fill("#kiosk-code", code.lower())
    kiosk.click("#kiosk-code-form button")
    kiosk.locator("#kiosk-visit-title", has_text="커프에 팔을 넣고").wait_for()
    # Mid-measurement the donor is not invited to leave, but may stop and go back to the start.
    assert not kiosk.locator("#kiosk-done").is_visible()
    assert kiosk.locator("#kiosk-cancel").inner_text() == "취소하고 처음으로"
    _shots(kiosk, "kiosk-measuring-ko")
    device = _device_measures(live_server, registered.key)
    kiosk.locator(".kiosk-reading").wait_for()
    device.join(timeout=30)
    assert kiosk.locator("#kiosk-status").inner_text() == "측정값을 저장했습니다. 결과를 기다리는 중…"
    # No longer asked to keep their arm in the cuff.
    assert kiosk.locator("#kiosk-visit-title").inner_text() == "이제 커프에서 팔을 빼셔도 됩니다."
    # The reading is in: the donor may go (a result comes to My page too).
    assert kiosk.locator("#kiosk-done").inner_text() == "완료 / 다음 분"
    assert kiosk.locator("#kiosk-done").is_visible() and not kiosk.locator("#kiosk-cancel").is_visible()
    assert kiosk.locator(".kiosk-value dt").all_inner_texts() == ["수축기 혈압", "이완기 혈압", "맥박"]
    assert kiosk.locator(".korean-only-note:visible, #kiosk-visit [lang]").count() == 0
    # Its time as the pages write one: "오전 3:09", not the browser's "오전 03:09".
    assert kiosk.locator(".kiosk-reading .kiosk-measured").inner_text() == f"{_clock('ko')} 측정"
    _shots(kiosk, "kiosk-reading-ko")

    # The company posts its result; the screen shows it within a poll or two.
    # As a company's analysis would: about the reading on the screen (the device's seed gives 98/72).
    _post_result(setup, company, ResultLevel.NORMAL, "혈압이 정상 범위입니다. 지금처럼 지내세요.", 98)
    level = kiosk.locator(".kiosk-result.level-normal .kiosk-level")
    level.wait_for(timeout=10_000)
    assert level.inner_text().endswith("정상")
    # The result names the reading it is about; its number, not in its words, is shown after them.
    about = kiosk.locator(".kiosk-result .kiosk-result-about").inner_text()
    measured = kiosk.locator(".kiosk-reading .kiosk-measured").inner_text()
    assert about.startswith(measured.removesuffix(" 측정"))
    assert about.endswith("측정한 혈압과 맥박에 대한 결과")
    # Named for what was measured (the reading's systolic pressure, 98 mmHg), and as the result's,
    # so it is not taken for the reading above it.
    assert kiosk.locator(".kiosk-result-value").inner_text().split("\n") == [
        "결과에 담긴 수축기 혈압",
        "98 mmHg",
    ]
    assert kiosk.locator("#kiosk-visit-title").inner_text() == "내 결과"
    assert kiosk.locator(".korean-only-note:visible, .kiosk-result [lang]").count() == 0
    assert "처음 화면으로 돌아갑니다" in kiosk.locator("#kiosk-countdown").inner_text()
    _shots(kiosk, "kiosk-result-ko")

    # Done: the next person starts on a fresh screen, and the visit takes no more readings.
    kiosk.click("#kiosk-done")
    kiosk.locator("#kiosk-welcome-title").wait_for()
    assert kiosk.locator(".kiosk-reading").count() == 0
    kiosk.wait_for_function("() => true")
    for _ in range(20):
        if not StationVisit.objects.get().is_open:
            break
        kiosk.wait_for_timeout(100)
    assert not StationVisit.objects.get().is_open

    # The same code again: refused, with the reason.
    kiosk.fill("#kiosk-code", code)
    kiosk.click("#kiosk-code-form button")
    kiosk.locator("#kiosk-code-error", has_text="이미 사용한 코드입니다").wait_for()
    _shots(kiosk, "kiosk-code-used-ko")
    tablet.close()


def test_the_kiosk_in_english_with_a_result_to_see_a_doctor(browser_page, live_server, company):
    setup = donation_pilot(company=company, volunteer_user=UserFactory(username="erin", display_name="Erin"))
    registered = register_station(setup.pilot)
    phone = browser_page
    tablet, kiosk = _tablet(phone, live_server)

    log_in(phone, "erin", PASSWORD)
    phone.goto(f"/pilots/{setup.pilot.pk}/")
    with phone.expect_navigation():
        phone.select_option("#language-select", "en")
    # A pilot written in Korean only: its title and description in Korean, marked so for a
    # screen reader, and the page says once, under the title, that parts of it are Korean only.
    description = phone.locator("main p", has_text=setup.pilot.description)
    assert description.locator("span[lang=ko]").inner_text() == setup.pilot.description
    assert phone.locator("h1 span[lang=ko]").inner_text() == setup.pilot.title
    assert phone.locator("main .korean-only").count() == 0
    assert phone.locator("main .korean-only-note").all_inner_texts() == [
        "Parts of this page are in Korean only: staff did not write them in English."
    ]
    assert "Korean only" not in phone.locator(".consent-text").inner_text()
    screenshot(phone, "pilot-page-korean-only-en-phone")
    phone.set_viewport_size({"width": 1280, "height": 900})
    screenshot(phone, "pilot-page-korean-only-en-desktop")
    phone.set_viewport_size(PHONE)
    code = _donor_code(phone, setup.pilot.pk)
    assert phone.locator("h1").inner_text() == "My donation code"
    screenshot(phone, "donor-code-phone-en")

    _set_up(kiosk, registered.key)
    with kiosk.expect_navigation():
        kiosk.click(".kiosk-language button[value=en]")
    # The key stays on the tablet across the language switch.
    kiosk.locator("#kiosk-welcome-title", has_text="Donate your reading").wait_for()
    # A place and a pilot title written in Korean only: each in Korean, marked so for a screen
    # reader, and one note for both at the end of the header, note-sized rather than the size
    # of the station's name.
    assert kiosk.locator("#kiosk-pilot-title").get_attribute("lang") == "ko"
    assert kiosk.locator("#kiosk-station-name").inner_text() == "운천저수지 공원 2번 출입구"
    assert kiosk.locator("#kiosk-station-name").get_attribute("lang") == "ko"
    assert kiosk.locator(".kiosk-header .korean-only:visible").count() == 1
    note = kiosk.locator("#kiosk-korean-note")
    assert note.is_visible() and note.inner_text() == "(place and pilot's name written in Korean only)"
    assert note.get_attribute("lang") is None
    note_size, name_size = (
        float(kiosk.locator(selector).evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        for selector in ("#kiosk-korean-note", "#kiosk-station-name")
    )
    assert note_size < name_size
    # What the station takes, named in Korean only: said once, under the line, not after the name.
    assert kiosk.locator("#kiosk-takes").inner_text() == "This station measures: 혈압과 맥박"
    assert kiosk.locator("#kiosk-takes span[lang=ko]").inner_text() == "혈압과 맥박"
    assert kiosk.locator("#kiosk-takes-note").inner_text() == NAMES_NOTE
    assert kiosk.locator("main .korean-only").count() == 0
    _shots(kiosk, "kiosk-welcome-en")

    kiosk.fill("#kiosk-code", "ZZZ ZZZ")
    kiosk.click("#kiosk-code-form button")
    kiosk.locator("#kiosk-code-error", has_text="This code is not known for this pilot").wait_for()
    screenshot(kiosk, "kiosk-unknown-code-tablet-en")

    kiosk.fill("#kiosk-code", code)
    kiosk.click("#kiosk-code-form button")
    kiosk.locator("#kiosk-visit-title", has_text="Put your arm in the cuff").wait_for()
    assert not kiosk.locator("#kiosk-done").is_visible()
    _shots(kiosk, "kiosk-measuring-en")
    _device_measures(live_server, registered.key).join(timeout=30)
    kiosk.locator(".kiosk-reading").wait_for()
    # The reading's names are Korean only: the screen says so once, under the reading.
    reading = kiosk.locator(".kiosk-reading")
    assert reading.locator("h2 span[lang=ko]").inner_text() == "혈압과 맥박"
    assert reading.locator("dt span[lang=ko]").all_inner_texts() == ["수축기 혈압", "이완기 혈압", "맥박"]
    assert kiosk.locator(".korean-only-note:visible").all_inner_texts() == [NAMES_NOTE]
    assert kiosk.locator("main .korean-only").count() == 0
    _shots(kiosk, "kiosk-reading-en")
    assert kiosk.locator("#kiosk-done").inner_text() == "Done / next person"
    assert kiosk.locator("#kiosk-done").is_visible()
    low = "Your blood pressure is low for your age (98/72 mmHg). Please see a doctor."
    _post_result(setup, company, ResultLevel.SEE_DOCTOR, low, 98)
    level = kiosk.locator(".kiosk-result.level-see_doctor .kiosk-level")
    level.wait_for(timeout=10_000)
    assert level.inner_text().endswith("See a doctor")
    about = kiosk.locator(".kiosk-result-about").inner_text()
    assert about == f"About: 혈압과 맥박, measured at {_clock('en')}"
    # The result names the category in Korean, marked so; the screen still says so once only,
    # under the result.
    assert kiosk.locator(".kiosk-result-about span[lang=ko]").inner_text() == "혈압과 맥박"
    assert kiosk.locator(".korean-only-note:visible").all_inner_texts() == [NAMES_NOTE]
    assert kiosk.locator(".kiosk-result .korean-only-note").count() == 0
    # The number is in the result's words already: it is not told a second time.
    assert kiosk.locator(".kiosk-result-value").count() == 0
    _shots(kiosk, "kiosk-result-en")

    # Between donors, staff can take the key off the tablet; a donor at the screen never sees it.
    assert not kiosk.locator("#kiosk-staff").is_visible()
    kiosk.click("#kiosk-done")
    kiosk.locator("#kiosk-welcome-title").wait_for()
    assert kiosk.locator("#kiosk-code-hint").inner_text() == "6 letters and digits, for example K7P 3QX"
    assert not kiosk.locator("#kiosk-forget").is_visible()
    kiosk.click("#kiosk-staff summary")
    screenshot(kiosk, "kiosk-staff-open-tablet-en")
    # A tap on "forget" only asks, saying what it does; "Cancel" keeps the station working.
    kiosk.click("#kiosk-forget")
    question = kiosk.locator("#kiosk-forget-confirm")
    assert "stops working until the key is entered again" in question.inner_text()
    kiosk.set_viewport_size(PHONE)
    screenshot(kiosk, "kiosk-staff-confirm-phone-en")
    kiosk.set_viewport_size(TABLET)
    kiosk.click("#kiosk-forget-no")
    assert not question.is_visible()
    assert kiosk.evaluate("() => localStorage.getItem('donationStationKey')") == registered.key
    # The tablet stands in a public place: only someone holding the key may take it off.
    kiosk.click("#kiosk-forget")
    kiosk.fill("#kiosk-forget-key", "st_a-guess")
    kiosk.click("#kiosk-forget-yes")
    kiosk.locator("#kiosk-forget-error", has_text="That is not this station's key").wait_for()
    assert kiosk.evaluate("() => localStorage.getItem('donationStationKey')") == registered.key
    screenshot(kiosk, "kiosk-staff-wrong-key-tablet-en")
    kiosk.fill("#kiosk-forget-key", f" {registered.key} ")
    kiosk.click("#kiosk-forget-yes")
    kiosk.locator("#kiosk-setup-title").wait_for()
    assert not kiosk.locator("#kiosk-staff").is_visible()
    assert kiosk.evaluate("() => localStorage.getItem('donationStationKey')") is None
    assert kiosk.locator("#kiosk-station-name").inner_text() == "Donation station"
    assert kiosk.locator("#kiosk-station-name").get_attribute("lang") is None
    assert not kiosk.locator("#kiosk-korean-note").is_visible()
    screenshot(kiosk, "kiosk-setup-phone-en")
    tablet.close()


def test_the_kiosk_names_its_place_in_the_screens_language(browser_page, live_server, company):
    setup = donation_pilot(company=company)
    registered = register_station(setup.pilot, name_en="Unchon Reservoir Park, gate 2")
    tablet, kiosk = _tablet(browser_page, live_server)

    _set_up(kiosk, registered.key)
    korean = kiosk.locator("#kiosk-station-name").inner_text()
    with kiosk.expect_navigation():
        kiosk.click(".kiosk-language button[value=en]")
    kiosk.locator("#kiosk-welcome-title", has_text="Donate your reading").wait_for()
    kiosk.locator("#kiosk-station-name", has_text="Unchon Reservoir Park, gate 2").wait_for()

    assert korean == "운천저수지 공원 2번 출입구"
    assert kiosk.locator("#kiosk-station-name").get_attribute("lang") == "en"
    # Only the pilot's title is in Korean only: the one note, after it, says no more than that.
    assert kiosk.locator(".kiosk-header .korean-only:visible").all_inner_texts() == [
        "(written in Korean only)"
    ]
    _shots(kiosk, "kiosk-place-in-english")
    tablet.close()


# Titled for the reason there is nothing to measure: the donor has no consent for it.
WITHDRAWN_SCREEN = {
    "ko": (
        "커프에 팔을 넣고",
        "이 측정소에서 재는 데이터에 기부 동의를 하지 않으셨습니다.",
        "기부하시려면 휴대폰에서 실증 페이지를 열어 동의하신 뒤 새 코드를 받으세요.",
    ),
    "en": (
        "Put your arm in the cuff",
        "You have not consented to donate any data this station measures.",
        "To donate, consent on the pilot's page on your phone, then ask for a new code.",
    ),
}


def _visit_begun(phone, live_server, company, language: str):
    """A volunteer's visit opened at the kiosk with the code their phone shows, the screen in
    `language`: (the pilot's setup, the tablet's browser, its kiosk page)."""
    setup = donation_pilot(company=company, volunteer_user=UserFactory(username="erin", display_name="에린"))
    registered = register_station(setup.pilot)
    tablet, kiosk = _tablet(phone, live_server)
    log_in(phone, "erin", PASSWORD)
    code = _donor_code(phone, setup.pilot.pk)
    _set_up(kiosk, registered.key)
    if language == "en":
        with kiosk.expect_navigation():
            kiosk.click(".kiosk-language button[value=en]")
        kiosk.locator("#kiosk-welcome-title", has_text="Donate your reading").wait_for()
    kiosk.fill("#kiosk-code", code)
    kiosk.click("#kiosk-code-form button")
    return setup, tablet, kiosk


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_donor_who_withdraws_consent_at_the_station_is_told_so_and_may_go(
    browser_page, live_server, company, language
):
    measure, nothing, no_consent = WITHDRAWN_SCREEN[language]
    setup, tablet, kiosk = _visit_begun(browser_page, live_server, company, language)
    kiosk.locator("#kiosk-visit-title", has_text=measure).wait_for()
    assert not kiosk.locator("#kiosk-done").is_visible()

    # Standing at the station, the donor withdraws their consent on their phone: the screen
    # stops asking for their arm, says why, and lets them go.
    consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    kiosk.locator("#kiosk-visit-title", has_text=nothing).wait_for(timeout=10_000)
    assert kiosk.locator("#kiosk-visit-title").inner_text() == nothing
    status = kiosk.locator("#kiosk-status")
    assert status.inner_text() == no_consent
    assert "kiosk-busy" not in (status.get_attribute("class") or "")
    assert kiosk.locator("#kiosk-done").is_visible()
    _shots(kiosk, f"kiosk-consent-withdrawn-{language}")

    kiosk.click("#kiosk-done")
    kiosk.locator("#kiosk-welcome-title").wait_for()
    tablet.close()


def _reset_after(kiosk, seconds: int) -> None:
    """The kiosk page served with a countdown of `seconds` after a result, not the 45 s a donor
    gets: a test need not wait that long to see the screen start over by itself."""

    def shorter(route):
        response = route.fetch()
        body = response.text().replace('data-reset-seconds="45"', f'data-reset-seconds="{seconds}"')
        route.fulfill(response=response, body=body)

    kiosk.route("**/kiosk/", shorter)


def _reading_on_the_screen(phone, live_server, company, reset_seconds: int | None = None):
    """A donor's visit at the kiosk (in Korean) with the device's reading shown on it."""
    setup = donation_pilot(company=company, volunteer_user=UserFactory(username="erin", display_name="Erin"))
    registered = register_station(setup.pilot)
    tablet, kiosk = _tablet(phone, live_server)
    if reset_seconds is not None:
        _reset_after(kiosk, reset_seconds)
    log_in(phone, "erin", PASSWORD)
    code = _donor_code(phone, setup.pilot.pk)
    _set_up(kiosk, registered.key)
    kiosk.fill("#kiosk-code", code)
    kiosk.click("#kiosk-code-form button")
    kiosk.locator("#kiosk-visit-title", has_text="커프에 팔을 넣고").wait_for()
    device = _device_measures(live_server, registered.key)
    kiosk.locator(".kiosk-reading").wait_for()
    device.join(timeout=30)
    return setup, tablet, kiosk


def test_a_donor_who_switches_the_screen_to_english_keeps_their_reading_and_gets_the_result(
    browser_page, live_server, company
):
    setup, tablet, kiosk = _reading_on_the_screen(browser_page, live_server, company)

    # The code is spent: the page reloaded in English must not lose the visit it opened.
    with kiosk.expect_navigation():
        kiosk.click(".kiosk-language button[value=en]")
    kiosk.locator("#kiosk-status", has_text="Your reading is stored. Waiting for the result…").wait_for()
    assert kiosk.locator("#kiosk-visit-title").inner_text() == "You can take your arm out of the cuff."
    assert kiosk.locator(".kiosk-reading .kiosk-measured").inner_text() == f"measured at {_clock('en')}"
    assert kiosk.locator("#kiosk-done").is_visible()
    assert StationVisit.objects.get().is_open

    _post_result(setup, company, ResultLevel.NORMAL, "혈압이 정상 범위입니다.", 118)
    kiosk.locator(".kiosk-result.level-normal .kiosk-level").wait_for(timeout=10_000)
    assert kiosk.locator("#kiosk-visit-title").inner_text() == "Your result"
    _shots(kiosk, "kiosk-language-switched-mid-visit-en")

    # Any other load of the screen is the next person's: the donor's result is not shown again.
    kiosk.reload()
    kiosk.locator("#kiosk-welcome-title", has_text="Donate your reading").wait_for()
    kiosk.wait_for_timeout(1000)
    assert not kiosk.locator("#kiosk-visit").is_visible()
    assert kiosk.locator(".kiosk-result").count() == 0
    tablet.close()


def test_switching_the_language_on_a_result_does_not_keep_it_on_the_screen_longer(
    browser_page, live_server, company
):
    setup, tablet, kiosk = _reading_on_the_screen(browser_page, live_server, company)
    _post_result(setup, company, ResultLevel.NORMAL, "혈압이 정상 범위입니다.", 118)
    kiosk.locator(".kiosk-result").wait_for(timeout=10_000)
    kiosk.wait_for_timeout(4000)

    # Whoever presses the button (the donor, or the next person once they walked away), the
    # result leaves the screen when it would have: its countdown goes on, it does not start again.
    with kiosk.expect_navigation():
        kiosk.click(".kiosk-language button[value=en]")
    countdown = kiosk.locator("#kiosk-countdown", has_text="This screen starts over in")
    countdown.wait_for()
    seconds_left = int(countdown.inner_text().split(" in ")[1].split(" ")[0])
    assert seconds_left <= 42
    tablet.close()


@pytest.mark.parametrize(
    ("language", "cancel"), [("ko", "취소하고 처음으로"), ("en", "Cancel and start over")]
)
def test_a_donor_can_stop_while_the_device_has_not_measured_and_the_screen_starts_over(
    browser_page, live_server, company, language, cancel
):
    _setup, tablet, kiosk = _visit_begun(browser_page, live_server, company, language)
    kiosk.locator("#kiosk-visit-title").wait_for()

    # No reading comes (the device is off, say): the screen is not stuck until the visit lapses.
    button = kiosk.locator("#kiosk-cancel")
    assert button.is_visible() and button.inner_text() == cancel
    _shots(kiosk, f"kiosk-measuring-cancel-{language}")
    button.click()
    kiosk.locator("#kiosk-welcome-title").wait_for()
    assert not kiosk.locator("#kiosk-visit").is_visible()
    # The screen started over only once the visit was closed, so a reading the device sends late
    # is not taken for this donor.
    assert not StationVisit.objects.get().is_open
    tablet.close()


def _closing_refused_then_tried_again(kiosk, button: str, failed: str, shot: str) -> None:
    """The visit's close (by `#kiosk-<button>`) sent as the connection drops: the visit is still
    open, and the screen stays on it and says so rather than start over as if it had ended. Tried
    again once the connection is back: closed, and only then does the screen start over."""
    kiosk.route("**/visits/*/close/", lambda route: route.abort())
    kiosk.click(f"#kiosk-{button}")
    error = kiosk.locator(f"#kiosk-{button}-error")
    error.wait_for()
    kiosk.wait_for_timeout(2500)  # a poll or more later, still said
    assert error.inner_text() == failed
    assert kiosk.locator("#kiosk-visit").is_visible() and not kiosk.locator("#kiosk-welcome").is_visible()
    assert kiosk.locator(f"#kiosk-{button}").is_enabled()
    assert StationVisit.objects.get().is_open
    _shots(kiosk, shot)

    kiosk.unroute("**/visits/*/close/")
    kiosk.click(f"#kiosk-{button}")
    kiosk.locator("#kiosk-welcome-title").wait_for()
    assert not StationVisit.objects.get().is_open
    assert error.inner_text() == ""


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_cancel_the_station_api_never_answers_leaves_the_visit_on_the_screen_and_says_so(
    browser_page, live_server, company, language
):
    _setup, tablet, kiosk = _visit_begun(browser_page, live_server, company, language)
    kiosk.locator("#kiosk-cancel").wait_for()

    _closing_refused_then_tried_again(
        kiosk, "cancel", CANCEL_FAILED[language], f"kiosk-cancel-failed-{language}"
    )
    tablet.close()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_done_waits_for_the_visit_to_close_and_says_when_it_could_not(
    browser_page, live_server, company, language
):
    nothing = WITHDRAWN_SCREEN[language][1]
    setup, tablet, kiosk = _visit_begun(browser_page, live_server, company, language)
    kiosk.locator("#kiosk-visit-title").wait_for()
    consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    kiosk.locator("#kiosk-visit-title", has_text=nothing).wait_for(timeout=10_000)

    # "Done" pressed as the connection drops: the screen does not hand itself to the next person
    # as if the visit were closed.
    _closing_refused_then_tried_again(kiosk, "done", CLOSE_FAILED[language], f"kiosk-done-failed-{language}")
    tablet.close()


def test_the_screen_starts_over_by_itself_only_once_the_visit_is_closed(browser_page, live_server, company):
    setup, tablet, kiosk = _reading_on_the_screen(browser_page, live_server, company, reset_seconds=3)
    kiosk.route("**/visits/*/close/", lambda route: route.abort())
    _post_result(setup, company, ResultLevel.NORMAL, "혈압이 정상 범위입니다.", 118)
    kiosk.locator(".kiosk-result").wait_for(timeout=10_000)

    # The countdown ran out while the station API could not be reached: the screen stays on the
    # visit and says it is not closed, but the donor's reading and result leave the public screen.
    error = kiosk.locator("#kiosk-done-error")
    error.wait_for(timeout=10_000)
    assert error.inner_text() == CLOSE_FAILED["ko"]
    assert kiosk.locator("#kiosk-visit").is_visible() and StationVisit.objects.get().is_open
    kiosk.locator(".kiosk-result").wait_for(state="detached", timeout=5_000)
    assert kiosk.locator(".kiosk-reading").count() == 0
    # Nor do they come back with the polls that follow while the visit stays open.
    kiosk.wait_for_timeout(3000)
    assert kiosk.locator(".kiosk-result, .kiosk-reading").count() == 0
    assert kiosk.locator("#kiosk-visit").is_visible() and StationVisit.objects.get().is_open

    # Reached again: the countdown's next try closes it, and only then does the screen start over.
    kiosk.unroute("**/visits/*/close/")
    kiosk.locator("#kiosk-welcome-title").wait_for(timeout=10_000)
    assert not StationVisit.objects.get().is_open
    assert kiosk.locator(".kiosk-result").count() == 0
    tablet.close()
