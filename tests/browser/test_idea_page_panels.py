"""The idea page shows panels of the apps above ideas (matches, pilots, timeline) through their
template tags, in Korean and English, on a phone and a desktop."""

import pytest

from ideas.models import IdeaStatus
from matching import services
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_company_and_staff_journeys import _catalogue
from tests.companies.factories import CompanyFactory
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import InterestFactory
from tests.pilots.factories import MilestoneFactory, PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_the_idea_page_shows_its_matches_pilot_and_timeline(browser_page, live_server, language, width):
    companies, ideas = _catalogue()
    idea = ideas["pills"]
    pilot = PilotFactory(idea=idea, stage="running", title="서구 복약 알림 실증")
    # Run by a company the matcher did not rank for it: named first, the matches after it.
    runner = CompanyFactory(name="서구돌봄랩", slug="seogu-care-lab")
    pilot.companies.add(runner)
    MilestoneFactory(pilot=pilot, is_done=True)
    # As the pilot service leaves an idea whose pilot went public (the factory does not).
    idea.status = IdeaStatus.IN_PILOT
    idea.save(update_fields=["status"])
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto(f"/ideas/{idea.pk}/")

    aside = page.locator("aside").inner_text()
    running = "실증을 맡은 기업" if language == "ko" else "Companies running its pilot"
    others = "그 밖의 매칭" if language == "ko" else "Other matches"
    assert aside.index(running) < aside.index(runner.name) < aside.index(others)
    assert aside.index(others) < aside.index(companies["care"].name)
    assert ("가능성 있는 매칭" if language == "ko" else "Possible match") in aside
    assert aside.count(runner.name) == 1
    assert pilot.title in aside
    timeline = page.locator("ol.timeline").inner_text()
    assert ("매칭" if language == "ko" else "Matched") in timeline
    assert page.locator("ol.timeline li.done").count() >= 3  # submitted, published, matched, in pilot
    # The pilot is running: "Completed" is marked as a step still ahead, not as where it stands.
    ahead = page.locator("ol.timeline li:not(.done)")
    assert ahead.count() == 1
    assert ahead.evaluate("step => getComputedStyle(step, '::before').content").startswith('"○ "')
    assert ("아직 이르지 않음" if language == "ko" else "not reached yet") in ahead.text_content()
    screenshot(page, f"idea-page-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_an_idea_no_company_fits_says_so_and_staff_can_open_the_weaker_possibilities(
    browser_page, live_server, language, width
):
    _catalogue()
    pool = IdeaFactory(
        title="주말에 공공 수영장을 저녁까지 열어 주세요",
        problem="주말에는 수영장이 오후 5시에 문을 닫아서 직장인은 이용하기 어렵습니다.",
        proposal="주말에도 저녁 9시까지 운영해 주세요.",
        language="ko",
        status=IdeaStatus.PUBLISHED,
    )
    services.embedding_refresh_for_idea(idea_id=pool.pk)
    services.match_refresh_for_idea(idea_id=pool.pk)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto(f"/ideas/{pool.pk}/")

    aside = page.locator("aside").inner_text()
    no_fit = {
        "ko": "아직 이 아이디어에 뚜렷하게 맞는 기업을 찾지 못했습니다",
        "en": "No company clearly fits this idea yet",
    }[language]
    assert no_fit in aside
    assert page.locator("details.weaker").count() == 0  # weaker possibilities are not for citizens
    screenshot(page, f"idea-page-no-fit-{language}-{width}")

    UserFactory(username="staff", is_staff=True)
    log_in(page, "staff", PASSWORD)
    page.goto(f"/ideas/{pool.pk}/")
    page.locator("details.weaker summary").click()
    assert page.locator("details.weaker .strength-weak").count() >= 1
    # Weak matches are no company to pilot with: making a pilot is offered as the lesser action,
    # with a line saying it needs no matched company.
    create = page.locator(f'a[href="/staff/ideas/{pool.pk}/pilot/"]')
    assert "secondary" in create.get_attribute("class")
    note = page.locator("#pilot-without-match")
    assert note.is_visible()
    assert ("직접 골라 실증 사업을" if language == "ko" else "a pilot can still be made") in note.inner_text()
    screenshot(page, f"idea-page-no-fit-staff-{language}-{width}")


PROPOSAL_LINES = """() => [...document.querySelectorAll(".interests dl.proposal dt")].map((dt) => {
  const name = dt.getBoundingClientRect(), text = dt.nextElementSibling.getBoundingClientRect();
  return {name: dt.innerText, nameTop: name.top, textTop: text.top, textBottom: text.bottom};
})"""


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_the_author_reads_the_interested_companies_proposals_compactly(
    browser_page, live_server, language, width
):
    author = UserFactory(username="minji")
    idea = IdeaFactory(author=author, title="어머니가 약 드시는 걸 자꾸 잊으세요")
    InterestFactory(
        idea=idea,
        company=CompanyFactory(name="빛고을케어"),
        rank_for_idea=None,
        proposal_plan="독거 어르신 30가구에 복약 디스펜서를 설치하고, 약을 거르면 보호자 앱으로 알립니다.",
        proposal_data_needed="복약 시각 기록, 보호자 연락처",
        proposal_duration_weeks=8,
        message="북구 보건소와 함께 참여 가구를 모을 수 있습니다.",
    )
    InterestFactory(
        idea=idea,
        company=CompanyFactory(name="무등헬스"),
        rank_for_idea=None,
        proposal_plan="AI 스피커가 복약 시간을 말로 알려 드립니다.",
        message="AI 스피커가 복약 시간을 말로 알려 드립니다.",
        proposal_data_needed="",
        proposal_duration_weeks=None,
    )
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "minji", PASSWORD)

    page.goto(f"/ideas/{idea.pk}/")

    # Beside companies that answered, the page says neither that it is still looking for some nor
    # that none fits (the interests here were made without the matcher, which never ranked it).
    aside = page.locator("aside").inner_text()
    assert ("관심을 보인 기업" if language == "ko" else "Interested companies") in aside
    for contradiction in (
        ("매칭 중", "아직 이 아이디어에 뚜렷하게 맞는 기업을"),
        ("Matching…", "No company clearly fits"),
    ):
        assert not any(words in aside for words in contradiction), aside
    lines = page.evaluate(PROPOSAL_LINES)
    # Four parts of the first proposal, the plan alone of the second (its message repeats it).
    assert len(lines) == 5, lines
    for line, following in zip(lines, lines[1:], strict=False):
        assert abs(line["nameTop"] - line["textTop"]) < 4, line  # the name begins the line of its text
        assert following["nameTop"] >= line["textBottom"] - 1, (line, following)  # each on a line of its own
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator(".interests").evaluate("(list) => list.scrollIntoView({block: 'center'})")
    screenshot(page, f"idea-page-interest-proposals-{language}-{width}")
