"""A pilot and its data request staff wrote in Korean and English, read by a volunteer who uses
the site in English: the pilot page's title, description, venue and consent text, the station's
screen and My donations all in English."""

import pytest

from pilots.models import Pilot, PilotConsent, PilotDataRequest
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_kiosk import PHONE, TABLET, _device_measures, _donor_code, _shots
from tests.donations.factories import donation_pilot
from tests.donations.stations import register_station

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENGLISH_NAMES = {
    "systolic": "Systolic blood pressure",
    "diastolic": "Diastolic blood pressure",
    "pulse": "Pulse",
}
# The pulse in a Korean unit with its English one, as staff may write it; mmHg reads alike.
UNITS = {"pulse": {"unit": "회/분", "unit_en": "beats/min"}}
TITLE_EN = "Blood pressure in the park"
DESCRIPTION_EN = (
    "Sensors notice a fall in the night and alert family at once.\n"
    "Blood pressure and pulse are measured too, at the park's health station."
)
VENUE_EN = "Buk-gu public health centre"


def _in_english(data_request: PilotDataRequest) -> PilotDataRequest:
    PilotDataRequest.objects.filter(pk=data_request.pk).update(
        category_label_en="Blood pressure and pulse",
        purpose_en="To analyse changes in blood pressure at the park's health station",
        fields=[
            {**field, "label_en": ENGLISH_NAMES[field["code"]], **UNITS.get(field["code"], {})}
            for field in data_request.fields
        ],
        consent_text_en=(
            "I agree to donate the following data to the pilot: Blood pressure and pulse. "
            "Purpose: to analyse changes in blood pressure. Recipient: 빛고을케어. "
            "It is kept for 30 days and then deleted. I can withdraw this consent at any time."
        ),
    )
    data_request.refresh_from_db()
    return data_request


def test_a_volunteer_reading_english_consents_and_donates_in_english(browser_page, live_server, company):
    setup = donation_pilot(company=company, volunteer_user=UserFactory(username="erin", display_name="Erin"))
    Pilot.objects.filter(pk=setup.pilot.pk).update(
        title_en=TITLE_EN, description_en=DESCRIPTION_EN, venue_en=VENUE_EN
    )
    data_request = _in_english(setup.data_request)
    # Consent again in English: the one donation_pilot gave was read in Korean.
    PilotConsent.objects.all().delete()
    registered = register_station(setup.pilot)
    phone = browser_page

    log_in(phone, "erin", PASSWORD)
    phone.goto(f"/pilots/{setup.pilot.pk}/")
    with phone.expect_navigation():
        phone.select_option("#language-select", "en")
    assert phone.locator("h1").inner_text() == TITLE_EN
    assert phone.title() == f"{TITLE_EN} · Gwangju AI Pilot Ideas"
    description = phone.locator("main p", has_text="Sensors notice a fall")
    assert description.inner_text() == DESCRIPTION_EN
    assert phone.locator("main p.meta").first.inner_text().endswith(f" · {VENUE_EN}")
    # Everything staff wrote has its English: nothing on the page is marked as Korean only.
    assert phone.locator(".korean-only").count() == 0
    screenshot(phone, "pilot-page-in-english-en-390")
    phone.set_viewport_size({"width": 1280, "height": 900})
    screenshot(phone, "pilot-page-in-english-en-1280")
    phone.set_viewport_size(PHONE)
    card = phone.locator(f"#data-request-{data_request.pk}")
    assert card.locator("h3").inner_text() == "Blood pressure and pulse"
    assert card.locator(".consent-text").inner_text() == data_request.consent_text_en
    assert "written in Korean only" not in card.inner_text()
    card.scroll_into_view_if_needed()
    screenshot(phone, "pilot-page-request-in-english-en-390")
    card.locator("input[name=agree]").check()
    with phone.expect_navigation():
        card.locator("button[value=consent]").click()
    consent = PilotConsent.objects.get()
    assert consent.language == "en" and consent.consent_text == data_request.consent_text_en

    code = _donor_code(phone, setup.pilot.pk)
    tablet = phone.context.browser.new_context(viewport=TABLET, base_url=live_server.url, locale="en-US")
    kiosk = tablet.new_page()
    kiosk.set_default_timeout(30_000)
    kiosk.goto("/kiosk/")
    kiosk.fill("#kiosk-key", registered.key)
    kiosk.click("#kiosk-setup-form button")
    kiosk.locator("#kiosk-welcome-title").wait_for()
    with kiosk.expect_navigation():
        kiosk.click(".kiosk-language button[value=en]")
    kiosk.locator("#kiosk-takes", has_text="This station measures: Blood pressure and pulse").wait_for()
    assert kiosk.locator("#kiosk-pilot-title").inner_text() == TITLE_EN
    assert kiosk.locator("#kiosk-pilot-title").get_attribute("lang") == "en"
    # Only the station's place is left in Korean: the header's one note says so, not more.
    assert kiosk.locator("#kiosk-korean-note").inner_text() == "(place written in Korean only)"
    kiosk.fill("#kiosk-code", code)
    kiosk.click("#kiosk-code-form button")
    kiosk.locator("#kiosk-visit-title").wait_for()
    _device_measures(live_server, registered.key).join(timeout=30)
    reading = kiosk.locator(".kiosk-reading")
    reading.wait_for()
    assert reading.locator("h2").inner_text() == "Blood pressure and pulse"
    assert reading.locator("dt").all_inner_texts() == list(ENGLISH_NAMES.values())
    assert reading.locator("dd").last.inner_text().endswith(" beats/min")
    assert "회/분" not in reading.inner_text()
    _shots(kiosk, "kiosk-reading-request-in-english-en")
    tablet.close()

    phone.set_viewport_size(PHONE)
    phone.goto("/me/donations/")
    assert phone.locator(f"#pilot-{setup.pilot.pk}").inner_text() == TITLE_EN
    table = phone.locator("table.readings")
    assert "Systolic blood pressure" in table.inner_text()
    assert table.locator("td[data-label='Pulse (beats/min)']").count() == 1
    screenshot(phone, "my-donations-request-in-english-en-phone")
