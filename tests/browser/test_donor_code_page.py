"""The donor's code page on a phone: it says where the pilot's station is before the code; where
no code can be given (no station takes the donor's data, the pilot no longer collects any) it
says why and offers no code, with the way back."""

import pytest

from pilots.models import Pilot, PilotStage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import axe_violations, log_in, screenshot
from tests.donations.factories import donation_pilot
from tests.donations.stations import register_station

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PLACE = {"ko": "측정소: 서구 치매안심센터 1층", "en": "Station: Seo-gu Dementia Centre, 1st floor"}
NO_STATION = {
    "ko": "이 실증 사업에는 동의하신 데이터를 받는 기부 측정소가 없어 코드를 드릴 수 없습니다.",
    "en": "No donation station of this pilot takes the data you consented to",
}
BACK = {"ko": "실증 사업 페이지로 돌아가기", "en": "Back to the pilot"}
SERIOUS = ("critical", "serious")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_code_page_says_where_the_station_is_then_gives_the_code(browser_page, company, language):
    setup = donation_pilot(company=company, volunteer_user=UserFactory(username="erin"))
    register_station(setup.pilot, name="서구 치매안심센터 1층", name_en="Seo-gu Dementia Centre, 1st floor")
    page = browser_page
    page.set_viewport_size(PHONE)
    log_in(page, "erin", PASSWORD)

    page.goto(f"/pilots/{setup.pilot.pk}/")
    page.click(f"a[href='/me/donations/code/{setup.pilot.pk}/']")
    place = page.locator(".station-places")
    assert place.inner_text() == PLACE[language]
    page.click("main form button[type=submit]")
    page.locator(".donor-code-value").wait_for()

    assert place.bounding_box()["y"] < page.locator(".donor-code-value").bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not [v["id"] for v in axe_violations(page) if v["impact"] in SERIOUS]
    screenshot(page, f"donor-code-station-place-{language}")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_without_a_station_the_page_says_so_and_leads_back(browser_page, company, language):
    setup = donation_pilot(company=company, volunteer_user=UserFactory(username="erin"))
    page = browser_page
    page.set_viewport_size(PHONE)
    log_in(page, "erin", PASSWORD)

    # The pilot page offers no code; someone who comes to the code page anyway is told why.
    page.goto(f"/pilots/{setup.pilot.pk}/")
    assert page.locator(f"a[href='/me/donations/code/{setup.pilot.pk}/']").count() == 0
    page.goto(f"/me/donations/code/{setup.pilot.pk}/")

    assert NO_STATION[language] in page.locator(".no-code").inner_text()
    assert page.locator("main form").count() == 0 and page.locator(".donor-code-value").count() == 0
    assert not [v["id"] for v in axe_violations(page) if v["impact"] in SERIOUS]
    screenshot(page, f"donor-code-no-station-{language}")
    page.click(f"main a:text-is('{BACK[language]}')")
    page.wait_for_url(f"**/pilots/{setup.pilot.pk}/")


NOT_COLLECTING = {
    "ko": "이 실증 사업은 데이터를 수집하고 있지 않습니다.",
    "en": "This pilot is not collecting data.",
}
MY_DONATIONS = {"ko": "내 데이터 기부로 돌아가기", "en": "Back to My donations"}


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_pilot_no_longer_collecting_offers_no_code_and_says_why(browser_page, company, language, width):
    # Its station and the volunteer's consent are still there: a code would be refused all the same.
    setup = donation_pilot(company=company, volunteer_user=UserFactory(username="erin"))
    register_station(setup.pilot, name="서구 치매안심센터 1층", name_en="Seo-gu Dementia Centre, 1st floor")
    Pilot.objects.filter(pk=setup.pilot.pk).update(stage=PilotStage.EVALUATING)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    log_in(page, "erin", PASSWORD)

    page.goto(f"/me/donations/code/{setup.pilot.pk}/")

    said = page.locator(".no-code").inner_text()
    assert NOT_COLLECTING[language] in said and MY_DONATIONS[language] in said
    assert page.locator("main form").count() == 0 and page.locator(".station-places").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not [v["id"] for v in axe_violations(page) if v["impact"] in SERIOUS]
    screenshot(page, f"donor-code-not-collecting-{language}-{width}")
    page.click(f"main a:text-is('{MY_DONATIONS[language]}')")
    page.wait_for_url("**/me/donations/**")
