"""On the demo data: a company's match card says when its idea is already in a pilot (its own,
with no answer asked, or other companies'), naming every such pilot, and when the city prepares a
pilot of it with the company; an idea in a pilot names the companies running it before its other
matches, on a phone in Korean and on a desktop in English."""

import pytest
from django.core.management import call_command

from accounts.models import User
from companies.models import Company
from ideas.models import Idea
from matching import services
from matching.models import Match, MatchStatus
from pilots import services as pilot_services
from pilots.models import Pilot, PilotStage
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


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_a_card_names_every_pilot_of_its_idea_and_one_the_city_prepares_with_the_company(
    demo, browser_page, live_server, language, width
):
    # A second pilot of the falls idea, by 곁에로보틱스 alone, and a pilot the city prepares with
    # 빛결메디칼AI (company1's company) from another of its matched ideas.
    staff = User.objects.get(username="staff")
    falls = Pilot.objects.get(title=FALLS_PILOT)
    second = pilot_services.pilot_create(
        by=staff,
        idea=falls.idea,
        companies=[Company.objects.get(slug="gyeote-robotics")],
        title="광산구 독거 어르신 낙상 감지 확대 실증",
        title_en="Gwangsan-gu fall detection, extended",
        description="광산구 독거 어르신 40가구로 넓혀 12주 동안 실증합니다.",
    )
    pilot_services.pilot_change_stage(pilot=second, by=staff, stage=PilotStage.RECRUITING)
    company = Company.objects.get(memberships__user__username="company1")
    prepared_idea = (
        Match.objects.filter(company=company, status=MatchStatus.SUGGESTED, rank_for_company__isnull=False)
        .exclude(idea__pilots__isnull=False)
        .order_by("rank_for_company")
        .first()
        .idea
    )
    prepared = pilot_services.pilot_create(
        by=staff, idea=prepared_idea, companies=[company], title="준비 중인 실증", description="협의 중"
    )
    page = browser_page

    _matches_of_the_company_of(page, live_server, "company1", language, width)

    card = page.locator("ol.cards > li.card", has_text=FALLS)
    lines = card.locator("p.card-pilot")
    assert lines.count() == 2
    own, others = lines.nth(0).inner_text(), lines.nth(1).inner_text()
    if language == "ko":
        assert own.startswith("귀사가 참여하는 실증: " + FALLS_PILOT)
        assert others.startswith("다른 기업과 실증 중: 광산구 독거 어르신 낙상 감지 확대 실증")
    else:
        assert own.startswith("Your company takes part in its pilot: ")
        assert others.startswith("In a pilot with other companies: Gwangsan-gu fall detection, extended")
    assert card.locator(f'a[href="/pilots/{falls.pk}/"]').count() == 1
    assert card.locator(f'a[href="/pilots/{second.pk}/"]').count() == 1
    assert card.locator("button").count() == 0
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(SCREENSHOTS / f"demo-pilot-card-several-{language}-{width}.png"))

    being_prepared = page.locator(f"#match-{Match.objects.get(company=company, idea=prepared_idea).pk}")
    said = (
        "시가 귀사와 함께 이 아이디어의 실증을 준비하고 있습니다."
        if language == "ko"
        else "The city is preparing a pilot of this idea with your company."
    )
    assert said in being_prepared.locator("p.card-pilot").inner_text()
    assert being_prepared.locator(f'a[href="/pilots/{prepared.pk}/"]').count() == 0
    assert being_prepared.locator("button").count() == 0
    being_prepared.scroll_into_view_if_needed()
    being_prepared.screenshot(path=str(SCREENSHOTS / f"demo-pilot-card-prepared-{language}-{width}.png"))
    screenshot(page, f"demo-pilot-cards-several-company1-{language}-{width}")
