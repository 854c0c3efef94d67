"""On the demo data: a company's match card says when its idea is already in a pilot (its own,
with no answer asked, or other companies'), and an idea in a pilot names the companies running it
before its other matches, on a phone in Korean and on a desktop in English."""

import pytest
from django.core.management import call_command

from companies.models import Company
from ideas.models import Idea
from matching import services
from pilots.models import Pilot
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FALLS = "혼자 사시는 아버지가 밤에 쓰러지실까 봐 걱정돼요"
FALLS_PILOT = "남구 독거 어르신 낙상 감지 실증"


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=None)
    services.matching_sweep()


def _open(page, live_server, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def _matches_of_the_company_of(page, live_server, username: str, language: str, width: int) -> Company:
    """The member's company's matches, the weaker ones included, as the member sees them."""
    company = Company.objects.get(memberships__user__username=username)
    _open(page, live_server, language, width)
    log_in(page, username, "gwangju-demo-2026")
    page.goto(f"/companies/{company.slug}/matches/?include_weak=on")
    return company


def test_a_company_running_the_pilot_is_asked_no_answer_on_its_card(demo, browser_page, live_server):
    # company1 is a member of 빛결메디칼AI, one of the two companies running the falls pilot, to
    # which the idea is a weak match only.
    pilot = Pilot.objects.get(title=FALLS_PILOT)
    page = browser_page

    _matches_of_the_company_of(page, live_server, "company1", "ko", 390)

    card = page.locator("ol.cards > li.card", has_text=FALLS)
    assert card.count() == 1
    assert "귀사가 참여하는 실증: " + FALLS_PILOT in card.inner_text()
    assert card.locator(f'a[href="/pilots/{pilot.pk}/"]').count() == 1
    assert card.locator("button").count() == 0
    assert "아직 답하지 않음" not in card.inner_text()
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(SCREENSHOTS / "demo-pilot-card-own-ko-390.png"))
    screenshot(page, "demo-pilot-cards-company1-ko-390")


def test_a_company_sees_which_ideas_others_pilot(demo, browser_page, live_server):
    # company2 is a member of 숨결링크, a possible match of the falls idea, which other companies
    # pilot, and itself runs the medication reminder pilot.
    page = browser_page

    company = _matches_of_the_company_of(page, live_server, "company2", "en", 1280)
    own = Pilot.objects.get(companies=company)

    others = page.locator("ol.cards > li.card", has_text=FALLS)
    falls = Pilot.objects.get(title=FALLS_PILOT)
    assert "In a pilot with other companies: " + (falls.title_en or falls.title) in others.inner_text()
    assert others.locator(f'a[href="/pilots/{falls.pk}/"]').count() == 1
    # Its buttons stay: the company may still tell the city it is interested.
    assert others.locator("button", has_text="not a fit").count() == 1
    mine = page.locator("ol.cards > li.card", has_text=own.idea.title)
    assert "Your company takes part in its pilot: " in mine.inner_text()
    others.scroll_into_view_if_needed()
    others.screenshot(path=str(SCREENSHOTS / "demo-pilot-card-others-en-1280.png"))
    screenshot(page, "demo-pilot-cards-company2-en-1280")


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_an_idea_in_a_pilot_names_the_companies_running_it_first(
    demo, browser_page, live_server, language, width
):
    idea = Idea.objects.get(title=FALLS)
    page = browser_page
    _open(page, live_server, language, width)

    page.goto(f"/ideas/{idea.pk}/")

    aside = page.locator("aside").inner_text()
    running = "실증을 맡은 기업" if language == "ko" else "Companies running its pilot"
    assert aside.index(running) < aside.index("곁에로보틱스")
    assert aside.index(running) < aside.index("빛결메디칼AI")
    for name in ("곁에로보틱스", "빛결메디칼AI", "숨결링크"):
        assert aside.count(name) == 1, name
    assert page.locator('aside ul.pilot-companies a[href="/companies/gyeote-robotics/"]').count() == 1
    screenshot(page, f"demo-idea-in-pilot-{language}-{width}")
