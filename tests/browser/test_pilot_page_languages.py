"""The pilot page and list as a reader of English and of Korean finds them, on a phone and on a
desktop: what staff wrote in English shown in English, what they wrote in Korean only shown in
Korean and marked so, and nothing pushing the page wider than the screen."""

import pytest

from pilots.models import PilotStage
from tests.browser.conftest import screenshot
from tests.pilots.factories import PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NOTE = "(written in Korean only)"


def _as(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_the_venue_reads_in_english_or_in_korean_marked_so(browser_page, live_server, company):
    english = PilotFactory(
        stage=PilotStage.RECRUITING,
        companies=[company],
        title="공원 혈압 실증",
        title_en="Blood pressure in the park",
        venue="중외공원 건강측정소",
        venue_en="Jungoe Park health station",
    )
    korean_only = PilotFactory(
        stage=PilotStage.RECRUITING,
        companies=[company],
        title="서구 어르신 복약 알림 실증",
        title_en="Medication reminders for older residents of Seo-gu",
        venue="서구 치매안심센터",
    )
    page = browser_page
    _as(page, live_server, "en")

    page.goto(f"/pilots/{english.pk}/")
    meta = page.locator("main p.meta").first
    assert meta.inner_text().endswith(" · Jungoe Park health station")
    assert meta.locator(".korean-only").count() == 0

    page.goto(f"/pilots/{korean_only.pk}/")
    meta = page.locator("main p.meta").first
    assert meta.inner_text().endswith(f" · 서구 치매안심센터 {NOTE}")
    assert meta.locator("span[lang=ko]").inner_text() == "서구 치매안심센터"
    assert _fits_the_screen(page)
    screenshot(page, "pilot-venue-korean-only-en-390")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "pilot-venue-korean-only-en-1280")

    page.goto("/pilots/")
    cards = page.locator("main .card")
    assert cards.filter(has_text="Jungoe Park health station").count() == 1
    assert cards.filter(has_text=f"서구 치매안심센터 {NOTE}").count() == 1
    page.set_viewport_size(PHONE)
    assert _fits_the_screen(page)
    screenshot(page, "pilot-list-venues-en-390")

    _as(page, live_server, "ko")
    page.goto(f"/pilots/{korean_only.pk}/")
    meta = page.locator("main p.meta").first
    assert meta.inner_text().endswith(" · 서구 치매안심센터")
    assert page.locator(".korean-only").count() == 0
    screenshot(page, "pilot-venue-ko-390")
