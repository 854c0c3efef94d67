"""Each milestone on a pilot page carries one mark, ✔ done or ○ ahead, not a list bullet too; a
screen reader hears the words "done" or "not yet" instead of the glyph's name."""

import re

import pytest

from pilots.models import PilotStage
from tests.browser.conftest import screenshot
from tests.pilots.factories import MilestoneFactory, PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "width", "heading", "said"),
    [("ko", 390, "단계 목표", ["완료:", "미완료:"]), ("en", 1280, "Milestones", ["Done:", "Not yet:"])],
)
def test_a_milestone_shows_its_own_mark_and_no_bullet(
    browser_page, live_server, language, width, heading, said
):
    pilot = PilotFactory(stage=PilotStage.RUNNING)
    MilestoneFactory(pilot=pilot, title="참여 가구 20곳 모집", is_done=True)
    MilestoneFactory(pilot=pilot, title="센서 설치")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto(f"/pilots/{pilot.pk}/")

    items = page.locator(f"h2:has-text('{heading}') + ul > li")
    assert [items.nth(i).inner_text()[0] for i in range(2)] == ["✔", "○"]
    assert [items.nth(i).evaluate("(li) => getComputedStyle(li).listStyleType") for i in range(2)] == [
        "none",
        "none",
    ]
    # What assistive technology reads: the word, not "heavy check mark" or "white circle".
    read = page.locator(f"h2:has-text('{heading}') + ul").aria_snapshot()
    assert "✔" not in read and "○" not in read
    assert re.findall(r'listitem: "([^:]+:)', read) == said
    # The words are for the ear only: on screen the mark alone stands before the title.
    assert items.first.locator(".visually-hidden").bounding_box()["width"] <= 1
    page.locator(f"h2:has-text('{heading}')").evaluate("(h) => h.scrollIntoView()")
    screenshot(page, f"pilot-milestones-{language}-{width}")
