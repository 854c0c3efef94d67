"""Each milestone on a pilot page carries one mark, ✔ done or ○ ahead, not a list bullet too."""

import pytest

from pilots.models import PilotStage
from tests.browser.conftest import screenshot
from tests.pilots.factories import MilestoneFactory, PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_milestone_shows_its_own_mark_and_no_bullet(browser_page, live_server):
    pilot = PilotFactory(stage=PilotStage.RUNNING)
    MilestoneFactory(pilot=pilot, title="참여 가구 20곳 모집", is_done=True)
    MilestoneFactory(pilot=pilot, title="센서 설치")
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": "ko", "url": live_server.url}])

    page.goto(f"/pilots/{pilot.pk}/")

    items = page.locator("h2:has-text('단계 목표') + ul > li")
    assert [items.nth(i).inner_text()[0] for i in range(2)] == ["✔", "○"]
    assert [items.nth(i).evaluate("(li) => getComputedStyle(li).listStyleType") for i in range(2)] == [
        "none",
        "none",
    ]
    page.locator("h2:has-text('단계 목표')").evaluate("(h) => h.scrollIntoView()")
    screenshot(page, "pilot-milestones-ko-390")
