"""Parts of pages laid out so they read as they mean: a timeline step in one piece, a field's error
right under the field and its frame red, buttons apart, a company page's actions not drawn as a tab
bar, staff's milestone buttons in one column, and a merged idea's lone report link without an
empty-looking card around it."""

import pytest

from ideas.models import IdeaStatus
from pilots.models import PilotStage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.companies.factories import MembershipFactory
from tests.ideas.factories import IdeaFactory
from tests.pilots.factories import MilestoneFactory, PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = [("ko", 390), ("en", 1280)]


def _as(page, live_server, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def _lines(locator) -> int:
    """How many lines of text an element takes."""
    return locator.evaluate(
        "(el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))"
    )


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_each_timeline_step_stays_whole_and_a_phone_gives_each_a_line(
    browser_page, live_server, language, width
):
    idea = IdeaFactory(title="버스 정류장 안내가 필요해요")
    page = browser_page
    _as(page, live_server, language, width)

    page.goto(f"/ideas/{idea.pk}/")

    steps = page.locator("ol.timeline > li")
    assert steps.count() >= 4
    assert all(_lines(steps.nth(i)) == 1 for i in range(steps.count()))
    tops = [steps.nth(i).bounding_box()["y"] for i in range(steps.count())]
    if width < 600:
        assert tops == sorted(set(tops))  # one step a line, in order
    page.locator("ol.timeline").scroll_into_view_if_needed()
    screenshot(page, f"timeline-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_a_refused_field_has_its_error_right_under_it_and_a_red_frame(
    browser_page, live_server, language, width
):
    UserFactory(username="minji")
    page = browser_page
    _as(page, live_server, language, width)
    log_in(page, "minji", PASSWORD)
    page.goto("/ideas/new/")

    with page.expect_navigation():
        page.click("#idea-form button[type=submit]")

    for field in ("#id_title", "#id_problem", "#id_category"):
        following = page.locator(field).evaluate("(el) => el.nextElementSibling.className")
        assert following == "errorlist", field
        style = page.locator(field).evaluate(
            "(el) => [getComputedStyle(el).borderTopColor, getComputedStyle(el).borderTopWidth]"
        )
        assert style == ["rgb(176, 0, 32)", "2px"], field
    # The counter follows the error, not the other way round.
    assert page.locator("#id_title + ul.errorlist + .char-counter").count() == 1
    # A field not refused keeps its grey frame.
    assert page.locator("#id_beneficiaries").evaluate("(el) => getComputedStyle(el).borderTopWidth") == "1px"
    screenshot(page, f"idea-form-errors-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_the_profile_editors_buttons_stand_apart(browser_page, live_server, language, width):
    member = MembershipFactory(user=UserFactory(username="owner"))
    page = browser_page
    _as(page, live_server, language, width)
    log_in(page, "owner", PASSWORD)
    page.goto(f"/companies/{member.company.slug}/edit/")

    preview = page.locator("button[value=preview]").bounding_box()
    save = page.locator("button[value=save]").bounding_box()
    side_by_side = abs(preview["y"] - save["y"]) < 1
    if side_by_side:
        assert save["x"] - (preview["x"] + preview["width"]) >= 8
    else:
        assert save["y"] - (preview["y"] + preview["height"]) >= 8
    page.locator("button[value=save]").scroll_into_view_if_needed()
    screenshot(page, f"company-profile-buttons-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_a_company_pages_buttons_read_as_actions_not_tabs(browser_page, live_server, language, width):
    member = MembershipFactory(user=UserFactory(username="owner"))
    page = browser_page
    _as(page, live_server, language, width)
    log_in(page, "owner", PASSWORD)
    page.goto(f"/companies/{member.company.slug}/")

    buttons = page.locator("main a.button")
    assert buttons.count() == 3
    # None is filled as if it were the page shown.
    fills = {buttons.nth(i).evaluate("(el) => getComputedStyle(el).backgroundColor") for i in range(3)}
    assert fills == {"rgb(255, 255, 255)"}
    boxes = [buttons.nth(i).bounding_box() for i in range(3)]
    for left, right in zip(boxes, boxes[1:], strict=False):
        if abs(left["y"] - right["y"]) < 1:
            assert right["x"] - (left["x"] + left["width"]) >= 8
        else:
            assert right["y"] - (left["y"] + left["height"]) >= 8
    screenshot(page, f"company-page-actions-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_staffs_milestone_buttons_line_up(browser_page, live_server, language, width):
    pilot = PilotFactory(stage=PilotStage.RUNNING)
    MilestoneFactory(pilot=pilot, title="참여 가구 20곳 모집", is_done=True)
    MilestoneFactory(pilot=pilot, title="센서 설치")
    MilestoneFactory(
        pilot=pilot, title="어르신 댁 스무 곳에 낙상 감지 센서와 알림 장치를 모두 설치하고 시험하기"
    )
    UserFactory(username="jiho", is_staff=True)
    page = browser_page
    _as(page, live_server, language, width)
    log_in(page, "jiho", PASSWORD)

    page.goto(f"/pilots/{pilot.pk}/")

    buttons = page.locator("ul.milestones button[value=milestone_done]")
    assert buttons.count() == 3
    boxes = [buttons.nth(i).bounding_box() for i in range(3)]
    assert len({round(box["x"]) for box in boxes}) == 1
    assert len({round(box["width"]) for box in boxes}) == 1
    page.locator("ul.milestones").scroll_into_view_if_needed()
    screenshot(page, f"milestone-buttons-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_a_merged_ideas_lone_report_link_has_no_card(browser_page, live_server, language, width):
    target = IdeaFactory(title="어르신 복약 알림 서비스")
    merged = IdeaFactory(title="약 먹는 시간을 알려 주세요", status=IdeaStatus.MERGED, merged_into=target)
    UserFactory(username="minji")
    page = browser_page
    _as(page, live_server, language, width)
    log_in(page, "minji", PASSWORD)

    page.goto(f"/ideas/{merged.pk}/")
    box = page.locator("section.idea-actions")
    assert box.locator("a.report-link").is_visible()
    assert box.evaluate("(el) => getComputedStyle(el).borderTopStyle") == "none"

    # An idea open to support keeps its card.
    page.goto(f"/ideas/{target.pk}/")
    assert (
        page.locator("section.idea-actions").evaluate("(el) => getComputedStyle(el).borderTopStyle")
        == "solid"
    )


@pytest.mark.parametrize(("language", "width"), [*VIEWS, ("ko", 1280)])
def test_a_suggested_matchs_two_answers_stand_apart(browser_page, live_server, language, width):
    from matching.models import MatchStrength
    from tests.matching.factories import MatchFactory

    member = MembershipFactory(user=UserFactory(username="owner"))
    MatchFactory(company=member.company, strength=MatchStrength.STRONG)
    page = browser_page
    _as(page, live_server, language, width)
    log_in(page, "owner", PASSWORD)
    page.goto(f"/companies/{member.company.slug}/matches/")

    card = page.locator("ol.cards > li").first
    interested = card.locator("details.answer-interest > summary").bounding_box()
    not_a_fit = card.locator("button[value=dismissed]").bounding_box()
    # A phone's card, and a desktop's wider match columns, hold both on one line, a finger apart.
    assert abs(interested["y"] - not_a_fit["y"]) < 1
    assert not_a_fit["x"] - (interested["x"] + interested["width"]) >= 8
    main = page.locator("main").evaluate("(el) => el.clientWidth - 32")  # 1rem of padding each side
    assert card.bounding_box()["width"] <= main
    card.scroll_into_view_if_needed()
    screenshot(page, f"match-answers-{language}-{width}")
