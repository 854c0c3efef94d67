"""The pilot page and list as a reader of English and of Korean finds them, on a phone and on a
desktop: what staff wrote in English (the venue, milestones, news) shown in English, what they
wrote in Korean only shown in Korean and marked so, and nothing pushing the page wider than the
screen."""

import pytest

from pilots.models import PilotMilestone, PilotStage, PilotUpdate
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import SCREENSHOTS, axe_violations, log_in, screenshot
from tests.pilots.factories import MilestoneFactory, PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NOTE = "(written in Korean only)"
PAGE_NOTE = "Parts of this page are in Korean only: staff did not write them in English."


def _as(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def _shot_of(page, selector: str, name: str) -> None:
    """Only the part of the page that changed, at the size it is read."""
    page.locator(selector).screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _screen_from(page, selector: str, name: str) -> None:
    """One screen of the page, from `selector` down, as a reader scrolled to it sees it."""
    page.locator(selector).evaluate("(element) => element.scrollIntoView()")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


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
    # The page says once, under the title, that parts of it are Korean only; the venue has no note.
    assert meta.inner_text().endswith(" · 서구 치매안심센터")
    assert meta.locator("span[lang=ko]").inner_text() == "서구 치매안심센터"
    assert page.locator(".korean-only-note").all_inner_texts() == [PAGE_NOTE]
    assert _fits_the_screen(page)
    screenshot(page, "pilot-venue-korean-only-en-390")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "pilot-venue-korean-only-en-1280")

    page.goto("/pilots/")
    cards = page.locator("main .card")
    assert cards.filter(has_text="Jungoe Park health station").count() == 1
    # The list says once, under its title, that parts of it are Korean only; the venue has no note.
    venue = cards.filter(has_text="서구 치매안심센터").locator("span[lang=ko]")
    assert venue.inner_text() == "서구 치매안심센터"
    assert page.locator("main .korean-only").count() == 0
    assert page.locator(".korean-only-note").all_inner_texts() == [PAGE_NOTE]
    screenshot(page, "pilot-list-venues-en-1280")
    page.set_viewport_size(PHONE)
    assert _fits_the_screen(page)
    screenshot(page, "pilot-list-venues-en-390")

    _as(page, live_server, "ko")
    page.goto(f"/pilots/{korean_only.pk}/")
    meta = page.locator("main p.meta").first
    assert meta.inner_text().endswith(" · 서구 치매안심센터")
    assert page.locator(".korean-only").count() == 0
    screenshot(page, "pilot-venue-ko-390")


def test_staff_write_milestones_and_news_in_both_languages_and_each_reader_gets_theirs(
    browser_page, live_server, company
):
    pilot = PilotFactory(
        stage=PilotStage.RUNNING,
        companies=[company],
        title="남구 독거 어르신 낙상 감지 실증",
        title_en="Fall detection for older people living alone in Nam-gu",
        venue="남구 어르신 댁 20가구",
        venue_en="The homes of 20 older residents in Nam-gu",
    )
    MilestoneFactory(pilot=pilot, title="참여 가구 20곳 모집", is_done=True)
    UserFactory(username="jiho", is_staff=True)
    page = browser_page
    _as(page, live_server, "ko")
    log_in(page, "jiho", PASSWORD)

    page.goto(f"/pilots/{pilot.pk}/")
    assert _fits_the_screen(page)
    _shot_of(page, "section[aria-labelledby=manage]", "pilot-manage-forms-ko-390")
    page.fill("#id_milestone_title", "센서 설치")
    page.fill("#id_milestone_title_en", "Install the sensors")
    page.fill("#id_due_date", "2027-03-01")
    with page.expect_navigation():
        page.click("button[value=milestone]")
    page.fill("#id_update_body", "20가구 모두 센서 설치를 마쳤습니다.\n참여해 주셔서 감사합니다.")
    page.fill("#id_update_body_en", "The sensors are installed in all 20 homes.\nThank you for taking part.")
    with page.expect_navigation():
        page.click("button[value=update]")
    page.fill("#id_update_body", "첫 2주 동안 알림이 3건 있었습니다.")
    with page.expect_navigation():
        page.click("button[value=update]")

    milestones = page.locator("h2:has-text('단계 목표') + ul")
    assert "센서 설치" in milestones.inner_text()
    assert page.locator(".korean-only").count() == 0
    screenshot(page, "pilot-milestones-and-news-ko-390")
    _screen_from(page, "h2:has-text('단계 목표')", "pilot-milestones-and-news-ko-390-screen")

    _as(page, live_server, "en")
    page.goto(f"/pilots/{pilot.pk}/")
    milestones = page.locator("h2:has-text('Milestones') + ul").inner_text()
    assert (
        "참여 가구 20곳 모집" in milestones and "Install the sensors" in milestones and NOTE not in milestones
    )
    updates = page.locator("h2:has-text('Updates') + ul")
    assert updates.locator("li").nth(0).inner_text().endswith("첫 2주 동안 알림이 3건 있었습니다.")
    # Said once, under the title, for the milestone and the news left in Korean only.
    assert page.locator(".korean-only-note").all_inner_texts() == [PAGE_NOTE]
    assert page.locator("main .korean-only").count() == 0
    assert (
        updates.locator("li")
        .nth(1)
        .inner_text()
        .endswith("The sensors are installed in all 20 homes.\nThank you for taking part.")
    )
    assert _fits_the_screen(page)
    # The staff forms' English fields are labelled and described for a screen reader too.
    serious = [v["id"] for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert serious == []
    screenshot(page, "pilot-milestones-and-news-en-390")
    _screen_from(page, "h2:has-text('Milestones')", "pilot-milestones-and-news-en-390-screen")
    _shot_of(page, "section[aria-labelledby=manage]", "pilot-manage-forms-en-390")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "pilot-milestones-and-news-en-1280")
    updated = PilotUpdate.objects.get(body__startswith="20가구")
    assert updated.body_en == "The sensors are installed in all 20 homes.\nThank you for taking part."
    assert PilotMilestone.objects.get(title="센서 설치").title_en == "Install the sensors"
