"""On the demo data, on a phone and a desktop, in Korean and in English: the idea of the completed
pilot shows every step of its progress done, each dated in order; the completed pilot's page says
it has ended and offers nothing to follow or join; the cancelled pilot's volunteer reads that they
took part, from when to when, and is offered no sharing of their name, there and on My donations."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from pilots.models import Pilot, PilotStage
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "gwangju-demo-2026"
SAID = {
    "ko": {
        "ended": "이 실증 사업은 끝났습니다.",
        "cancelled": "이 실증 사업은 취소되었습니다.",
        "took_part": "이 실증 사업에 참여했습니다 (",
        "took_part_short": "참여했음 (",
        "share": "실증 기업에 내 이름과 이메일 공개하기",
        "ongoing": "참여 중",
    },
    "en": {
        "ended": "This pilot has ended.",
        "cancelled": "This pilot was cancelled.",
        "took_part": "You took part in this pilot (",
        "took_part_short": "Took part (",
        "share": "Share my name and email with the pilot's companies",
        "ongoing": "Volunteering since",
    },
}


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=None)


def _open(page, live_server, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["ko", "en"])
def test_closed_pilots_read_in_the_past(demo, browser_page, live_server, language, width):
    completed = Pilot.objects.get(stage=PilotStage.COMPLETED)
    cancelled = Pilot.objects.get(stage=PilotStage.CANCELLED)
    said = SAID[language]
    page = browser_page
    _open(page, live_server, language, width)

    page.goto(f"/ideas/{completed.idea_id}/")
    timeline = page.locator("ol.timeline")
    steps = timeline.locator("li")
    assert steps.count() == 5 and timeline.locator("li.done").count() == 5
    days = [
        datetime.datetime.fromisoformat(steps.nth(index).locator("time").get_attribute("datetime"))
        for index in range(5)
    ]
    assert days == sorted(days)
    assert timezone.localdate(days[-1]) == timezone.localdate(completed.closed_at)
    timeline.scroll_into_view_if_needed()
    timeline.screenshot(path=str(SCREENSHOTS / f"closed-idea-progress-{language}-{width}.png"))
    screenshot(page, f"closed-idea-page-{language}-{width}")

    page.goto(f"/pilots/{completed.pk}/")
    take_part = page.locator("section[aria-labelledby=take-part]")
    assert said["ended"] in take_part.inner_text()
    assert page.locator(".follow").count() == 0
    assert page.get_by_role("link", name="Log in to follow this pilot's news.").count() == 0
    screenshot(page, f"closed-completed-pilot-visitor-{language}-{width}")

    log_in(page, "citizen5", PASSWORD)
    page.goto(f"/pilots/{cancelled.pk}/")
    take_part = page.locator("section[aria-labelledby=take-part]")
    assert said["took_part"] in take_part.inner_text()
    assert page.locator("form.identity-sharing").count() == 0 and said["share"] not in take_part.inner_text()
    assert page.locator(".follow").count() == 0
    screenshot(page, f"closed-cancelled-pilot-volunteer-{language}-{width}")

    page.goto("/me/donations/")
    mine = page.locator(f"section.donor-pilot:has(#pilot-{cancelled.pk})")
    text = mine.inner_text()
    assert said["took_part_short"] in text and said["ongoing"] not in text
    assert said["share"] not in text and mine.locator("form.identity-sharing").count() == 0
    mine.scroll_into_view_if_needed()
    mine.screenshot(path=str(SCREENSHOTS / f"closed-cancelled-my-donations-{language}-{width}.png"))
