"""README's "Watch a donation", as `make run` sets it up: the seeded station opened on a tablet
from a link that carries its key, the demo donor's code, the device and the analyser started from
the file seed_demo wrote, the result on the kiosk and in My donations, then a withdrawal."""

import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections

from dashboard.management.commands.seed_demo import DEMO_PASSWORD
from donations.models import Donation, DonationDeletion, Station
from pilots.models import PilotVolunteer
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.pilots.factories import PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 1024, "height": 768}


def _in_thread(command: str, **options) -> threading.Thread:
    def run():
        try:
            call_command(command, stdout=StringIO(), **options)
        finally:
            # A thread's own database connection would keep the test database from being dropped.
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_watch_a_donation_from_the_seeded_demo(browser_page, live_server, tmp_path):
    demo_file = tmp_path / "demo-donations.json"
    call_command("seed_demo", donations_file=demo_file, stdout=StringIO())
    demo = json.loads(demo_file.read_text())
    phone = browser_page
    tablet = phone.context.browser.new_context(viewport=TABLET, base_url=live_server.url, locale="ko-KR")
    kiosk = tablet.new_page()
    kiosk.set_default_timeout(30_000)

    # The kiosk link `make run` prints: the key is kept on the tablet and leaves the address.
    kiosk.goto(f"/kiosk/#key={demo['station_key']}")
    kiosk.locator("#kiosk-welcome-title").wait_for()
    assert kiosk.locator("#kiosk-station-name").inner_text() == demo["station"]
    assert "#" not in kiosk.url and demo["station_key"] not in kiosk.url
    assert kiosk.evaluate("localStorage.getItem('donationStationKey')") == demo["station_key"]

    log_in(phone, demo["donor"], DEMO_PASSWORD)
    phone.goto(f"/me/donations/code/{demo['pilot_id']}/")
    phone.click("main form button[type=submit]")
    code = phone.locator(".donor-code-value").inner_text()

    kiosk.fill("#kiosk-code", code)
    kiosk.click("#kiosk-code-form button")
    kiosk.locator("#kiosk-visit-title", has_text="커프에 팔을 넣고").wait_for()
    device = _in_thread(
        "play_station_device",
        config=demo_file,
        url=live_server.url,
        interval=0.3,
        measure_seconds=1,
        once=True,
    )
    kiosk.locator(".kiosk-reading").wait_for()
    device.join(timeout=30)
    call_command("run_demo_analyser", config=demo_file, url=live_server.url, once=True, stdout=StringIO())
    kiosk.locator(".kiosk-result .kiosk-level").wait_for(timeout=10_000)
    assert "빛결메디칼AI" in kiosk.locator(".kiosk-result").inner_text()
    screenshot(kiosk, "watch-a-donation-kiosk-result-ko")

    volunteer = PilotVolunteer.objects.get(pilot_id=demo["pilot_id"], user__username=demo["donor"])
    donated = Donation.objects.filter(volunteer=volunteer).count()
    assert donated == 3  # two seeded, one just now
    phone.goto("/me/donations/")
    category = phone.locator("article.donor-category").first
    assert demo["station"] in category.inner_text()
    assert category.locator("ul.results li").count() == donated
    screenshot(phone, "watch-a-donation-my-donations-ko")

    # Withdrawal, deleting what was donated: the rows are gone, the deletion recorded.
    category.locator("details.withdraw-consent summary").click()
    with phone.expect_navigation():
        category.locator("form.withdraw button[value=withdraw]").click()
    assert not Donation.objects.filter(volunteer=volunteer).exists()
    deletion = DonationDeletion.objects.get(volunteer=volunteer)
    assert deletion.readings == donated
    assert "동의 철회" in phone.locator("article.donor-category").first.inner_text()
    screenshot(phone, "watch-a-donation-withdrawn-ko")
    tablet.close()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_staff_open_the_kiosk_on_their_device_from_the_key_page(browser_page, live_server, language):
    UserFactory(username="staff", is_staff=True)
    pilot = PilotFactory(title="운천저수지 건강측정 실증", stage="recruiting")
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "staff", PASSWORD)
    page.goto(f"/pilots/{pilot.pk}/stations/")
    page.fill("#id_name", "운천저수지 공원 2번 출입구")
    with page.expect_navigation():
        page.click("button[value=register]")
    key = page.input_value("#station-key")
    screenshot(page, f"station-key-open-kiosk-phone-{language}")

    with page.context.expect_page() as opened:
        page.click("a[href^='/kiosk/#key=']")
    kiosk = opened.value
    kiosk.locator("#kiosk-welcome-title").wait_for()
    assert kiosk.evaluate("localStorage.getItem('donationStationKey')") == key
    assert kiosk.url.endswith("/kiosk/")
    # The key page stays open in its own tab: the key is still there to copy.
    assert page.input_value("#station-key") == key
    assert Station.objects.get().last_seen_at is not None

    # A link with a key that opens nothing keeps the tablet on set-up, with the reason.
    kiosk.evaluate("localStorage.clear()")
    kiosk.goto("/kiosk/#key=st_not-a-key")
    kiosk.locator("#kiosk-setup-error").wait_for()
    assert kiosk.locator("#kiosk-setup-error").inner_text()
    assert kiosk.evaluate("localStorage.getItem('donationStationKey')") is None
