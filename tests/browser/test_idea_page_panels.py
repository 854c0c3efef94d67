"""The idea page shows panels of the apps above ideas (matches, pilots, timeline) through their
template tags, in Korean and English, on a phone and a desktop."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_company_and_staff_journeys import _catalogue
from tests.pilots.factories import MilestoneFactory, PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_the_idea_page_shows_its_matches_pilot_and_timeline(browser_page, live_server, language, width):
    companies, ideas = _catalogue()
    idea = ideas["pills"]
    pilot = PilotFactory(idea=idea, stage="running", title="서구 복약 알림 실증")
    pilot.companies.add(companies["care"])
    MilestoneFactory(pilot=pilot, is_done=True)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto(f"/ideas/{idea.pk}/")

    aside = page.locator("aside").inner_text()
    assert companies["care"].name in aside
    assert pilot.title in aside
    timeline = page.locator("ol.timeline").inner_text()
    assert ("매칭" if language == "ko" else "Matched") in timeline
    assert page.locator("ol.timeline li.done").count() >= 3  # submitted, published, matched, in pilot
    screenshot(page, f"idea-page-{language}-{width}")
