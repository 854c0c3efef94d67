"""The donor's code page on a phone: it says where the pilot's station is before the code, and
where no station takes the donor's data it says so and offers no code, with the way back."""

import pytest

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

    assert NO_STATION[language] in page.locator(".no-station").inner_text()
    assert page.locator("main form").count() == 0 and page.locator(".donor-code-value").count() == 0
    assert not [v["id"] for v in axe_violations(page) if v["impact"] in SERIOUS]
    screenshot(page, f"donor-code-no-station-{language}")
    page.click(f"main a:text-is('{BACK[language]}')")
    page.wait_for_url(f"**/pilots/{setup.pilot.pk}/")
