"""On the demo data, company1 (a member of 빛결메디칼AI) finds the falls pilot their company takes
part in on the company's page, and on the pilot's page a box for their company: how many
donations it may read now and how to read them through the API; on a phone and on a desktop, in
Korean and in English."""

import pytest
from django.core.management import call_command

from companies.models import Company
from donations.selectors import data_requests_readable_by, donations_readable
from pilots.models import Pilot
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FALLS_PILOT = "남구 독거 어르신 낙상 감지 실증"


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=None)


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 390), ("ko", 1280), ("en", 1280)])
def test_a_member_finds_their_pilot_and_how_to_read_its_data(
    demo, browser_page, live_server, language, width
):
    company = Company.objects.get(memberships__user__username="company1")
    pilot = Pilot.objects.get(title=FALLS_PILOT)
    readable = donations_readable(
        data_requests=data_requests_readable_by(pilot=pilot, company=company)
    ).count()
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "company1", "gwangju-demo-2026")

    page.goto(f"/companies/{company.slug}/")

    section = page.locator("section.company-pilots")
    heading = "참여 중인 실증" if language == "ko" else "Pilots we take part in"
    assert section.locator("h2").inner_text() == heading
    link = section.locator(f'a[href="/pilots/{pilot.pk}/"]')
    assert link.count() == 1
    # Nothing on the page is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    section.scroll_into_view_if_needed()
    screenshot(page, f"company-pilots-{language}-{width}")

    link.click()
    page.wait_for_url(f"**/pilots/{pilot.pk}/")

    guide = page.locator("section.company-guide")
    text = guide.inner_text()
    if language == "ko":
        assert "귀사를 위한 안내" in text and f"기부 {readable}건" in text
    else:
        assert "For your company" in text and f"may read {readable} donation" in text
    assert f"/api/v1/pilots/{pilot.pk}/donations/readings/" in text
    assert "/api/v1/auth/token/" in text
    assert guide.locator('a[href="/api/docs/"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    guide.scroll_into_view_if_needed()
    guide.screenshot(path=str(SCREENSHOTS / f"pilot-company-guide-box-{language}-{width}.png"))
    screenshot(page, f"pilot-company-guide-{language}-{width}")
