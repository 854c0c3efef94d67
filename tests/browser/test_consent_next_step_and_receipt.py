"""After consenting on a pilot with no station, the pilot page leads to the file upload; the
consent receipt is a page to read and print. In Korean and English, on a phone and a wide screen."""

import pytest

from donations import services
from pilots.models import PilotStage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import axe_violations, log_in, screenshot
from tests.donations.factories import blood_pressure_request, donate, donation_pilot
from tests.pilots.factories import PilotFactory, VolunteerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 900}}
WORDS = {
    "ko": {
        "agree": "위 내용에 동의합니다",
        "recorded": "동의가 기록되었습니다. 파일로 기부하기",
        "by_file": "파일로 기부하기",
        "legend": "파일로 기부하기",
        "receipt": "내 동의 영수증",
        "json": "기계 판독용 (JSON)",
        "withdraw": "동의를 철회하려면",
    },
    "en": {
        "agree": "I agree to the text above",
        "recorded": "Your consent was recorded. Donate by file",
        "by_file": "Donate by file",
        "legend": "Donate from a file",
        "receipt": "My consent receipt",
        "json": "Machine-readable (JSON)",
        "withdraw": "How to withdraw",
    },
}


def _shots(page, name: str) -> None:
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        screenshot(page, f"{name}-{label}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), label


def _in(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.mark.parametrize("language", ["ko", "en"])
def test_after_consenting_the_pilot_page_leads_to_the_file_upload(
    browser_page, live_server, company, language
):
    words = WORDS[language]
    pilot = PilotFactory(stage=PilotStage.RECRUITING, companies=[company])
    data_request = blood_pressure_request(pilot)
    VolunteerFactory(pilot=pilot, user=UserFactory(username="frank"))
    page = browser_page
    _in(page, live_server, language)
    log_in(page, "frank", PASSWORD)

    page.goto(f"/pilots/{pilot.pk}/")
    page.get_by_label(words["agree"]).check()
    page.click("button[value=consent]")
    page.wait_for_url(f"**/pilots/{pilot.pk}/")

    assert page.locator(".messages li").inner_text() == words["recorded"]
    next_step = page.locator(".donate-ways a.donate-by-file")
    assert next_step.inner_text() == words["by_file"]
    page.set_viewport_size(SIZES["390"])
    page.locator(".consent-summary").scroll_into_view_if_needed()
    _shots(page, f"consent-next-step-{language}")
    assert [v["id"] for v in axe_violations(page) if v["impact"] in ("serious", "critical")] == []

    next_step.click()
    page.wait_for_url(f"**/me/donations/#upload-{data_request.pk}")
    form = page.locator(f"#upload-{data_request.pk}")
    assert form.locator("legend").inner_text() == words["legend"]
    assert form.is_visible()
    assert form.evaluate("form => form.getBoundingClientRect().top < window.innerHeight")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_consent_receipt_reads_and_prints_as_a_page(browser_page, live_server, company, language):
    words = WORDS[language]
    setup = donation_pilot(company=company, volunteer_user=UserFactory(username="erin"))
    donate(setup)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request, keep_donations=True)
    services.consent_give(volunteer=setup.volunteer, data_request=setup.data_request)
    page = browser_page
    _in(page, live_server, language)
    log_in(page, "erin", PASSWORD)

    page.goto("/me/donations/")
    page.get_by_role("link", name=words["receipt"], exact=True).click()
    page.wait_for_url(f"**/me/donations/{setup.pilot.pk}/receipt/")

    assert page.locator("h1").inner_text() == words["receipt"]
    assert page.locator(".receipt-events li").count() == 3
    assert page.get_by_role("link", name=words["json"]).get_attribute("download")
    assert page.get_by_role("heading", name=words["withdraw"]).is_visible()
    _shots(page, f"consent-receipt-{language}")
    assert [v["id"] for v in axe_violations(page) if v["impact"] in ("serious", "critical")] == []

    # On paper: no site menu, language switch, footer or buttons; the pilot's address written out.
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden() and page.locator(".site-footer").is_hidden()
    assert page.locator("button[data-print]").is_hidden()
    assert page.locator(".print-only").is_visible()
    page.set_viewport_size(SIZES["1280"])
    screenshot(page, f"consent-receipt-{language}-print")
    page.emulate_media(media="screen")
