"""A form's answer opens where it is: the company profile's preview, drawn below the whole form on a
phone, is what the page shows after "Preview"; a form sent back with errors opens on their summary,
which names each field and leads to it, a group of boxes to tick included; and the author of an idea
is told, where the support button would be, why there is none."""

import pytest

from matching.models import MatchStrength
from pilots.models import PilotStage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import SCREENSHOTS, axe_violations, log_in, screenshot
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import MatchFactory
from tests.pilots.factories import PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = [("ko", 390), ("en", 1280)]

IN_VIEW = """(element) => {
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def _serious(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']}: {n['target']}"
        for v in violations
        if v["impact"] in ("serious", "critical")
        for n in v["nodes"]
    ]


def _signed_in_at(page, live_server, username: str, path: str, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, username, PASSWORD)
    page.goto(path)


def _opened_on_the_summary(page):
    """The error summary, after a form came back refused: focused, and on the screen."""
    summary = page.locator(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert summary.evaluate(IN_VIEW)
    return summary


def _in_view(page, name: str) -> None:
    """What the screen shows, not the whole page."""
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_the_profile_preview_opens_on_the_preview(browser_page, live_server, language, width):
    member = MembershipFactory(user=UserFactory(username="owner"))
    page = browser_page
    _signed_in_at(page, live_server, "owner", f"/companies/{member.company.slug}/edit/", language, width)

    page.fill("#id_summary", "복약 디스펜서와 보호자 알림")
    with page.expect_navigation():
        page.click("button[value=preview]")

    assert page.url.endswith("/edit/#preview")
    # At the top of the screen, or as near as the page's end lets it come.
    assert page.locator("#preview-heading").evaluate(IN_VIEW)
    assert page.evaluate("document.activeElement.id") == "preview"
    assert "복약 디스펜서와 보호자 알림" in page.inner_text("#preview")
    _in_view(page, f"company-profile-preview-{language}-{width}")
    assert _serious(axe_violations(page)) == []

    # Saving from there goes to the page itself: the answer is the company page, not the preview.
    with page.expect_navigation():
        page.click("button[value=save]")
    assert page.url.endswith(f"/companies/{member.company.slug}/")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_a_preview_sent_back_with_errors_opens_on_the_summary(browser_page, live_server, language, width):
    member = MembershipFactory(user=UserFactory(username="owner"))
    page = browser_page
    _signed_in_at(page, live_server, "owner", f"/companies/{member.company.slug}/edit/", language, width)

    page.fill("#id_summary", "")
    with page.expect_navigation():
        page.click("button[value=preview]")

    _opened_on_the_summary(page)
    _in_view(page, f"company-profile-preview-error-{language}-{width}")
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_summary"


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_no_company_ticked_is_named_at_the_top_and_at_the_group(browser_page, live_server, language, width):
    UserFactory(username="staff", is_staff=True)
    idea = IdeaFactory(title="어르신 복약 알림")
    for name in ("가나 로봇", "빛고을 돌봄"):
        CompanyFactory(name=name)
    # Matched with the idea: the companies come in two groups, the matched one first.
    MatchFactory(idea=idea, company=CompanyFactory(name="숨결링크"), strength=MatchStrength.POSSIBLE)
    page = browser_page
    _signed_in_at(page, live_server, "staff", f"/staff/ideas/{idea.pk}/pilot/", language, width)

    page.fill("#id_description", "8주 실증")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    summary = _opened_on_the_summary(page)
    named = {"ko": "기업: 기업을 한 곳 이상 선택해 주세요.", "en": "Companies: Choose at least one company."}
    assert named[language] in summary.inner_text()
    screenshot(page, f"pilot-create-error-{language}-{width}")
    assert _serious(axe_violations(page)) == []

    summary.get_by_role("link", name=named[language]).click()
    group = page.locator("#id_companies_group")
    # The first box is focused, the matched company's, read with its group's legend and the field's.
    assert page.evaluate("document.activeElement.id") == "id_companies_0_0"
    around = "document.activeElement.closest('fieldset').parentElement.closest('fieldset').id"
    assert page.evaluate(around) == "id_companies_group"
    assert group.locator("legend").first.evaluate(IN_VIEW)
    assert group.locator(".option-group legend").first.evaluate(IN_VIEW)
    error = group.locator(".errorlist")
    assert error.evaluate(IN_VIEW)
    # The error sits above the boxes, not under the last company.
    last_box = group.locator("input[type=checkbox]").last
    assert error.bounding_box()["y"] < group.locator("input[type=checkbox]").first.bounding_box()["y"]
    assert last_box.bounding_box()["y"] > error.bounding_box()["y"]
    _in_view(page, f"pilot-create-companies-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_a_data_request_from_a_preset_names_the_missing_purpose(browser_page, live_server, language, width):
    UserFactory(username="staff", is_staff=True)
    company = CompanyFactory(name="빛고을 헬스")
    pilot = PilotFactory(title="걷기 실증", companies=[company], stage=PilotStage.RECRUITING)
    page = browser_page
    _signed_in_at(page, live_server, "staff", f"/pilots/{pilot.pk}/data-requests/new/", language, width)

    with page.expect_navigation():
        page.click("button[name=preset][value=steps]")
    page.check("#id_recipient_companies_0")
    page.fill("#id_retention_days", "30")
    with page.expect_navigation():
        page.click(".actions button[value=save]")

    summary = _opened_on_the_summary(page)
    purpose = {"ko": "이용 목적 (한국어)", "en": "Purpose (Korean)"}[language]
    assert summary.locator("a").all_inner_texts() == [
        purpose + {"ko": ": 필수 항목입니다.", "en": ": This field is required."}[language]
    ]
    _in_view(page, f"data-request-summary-{language}-{width}")

    summary.locator("a").click()
    assert page.evaluate("document.activeElement.id") == "id_purpose"
    assert page.locator("label[for=id_purpose]").evaluate(IN_VIEW)


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_the_author_is_told_why_there_is_no_support_button(browser_page, live_server, language, width):
    idea = IdeaFactory(title="어르신 복약 알림", author=UserFactory(username="minji"))
    page = browser_page
    _signed_in_at(page, live_server, "minji", f"/ideas/{idea.pk}/", language, width)

    line = page.locator(".idea-actions #own-idea")
    assert line.is_visible() and page.locator("#support").count() == 0
    line.scroll_into_view_if_needed()
    screenshot(page, f"idea-own-support-line-{language}-{width}")


def test_add_another_past_project_opens_on_the_row_it_added(browser_page, live_server):
    member = MembershipFactory(user=UserFactory(username="owner"))
    page = browser_page
    _signed_in_at(page, live_server, "owner", f"/companies/{member.company.slug}/edit/", "ko", 390)

    with page.expect_navigation():
        page.click("button[value=more_references]")

    assert page.url.endswith("/edit/#last-reference")
    assert page.locator("#last-reference legend").evaluate(IN_VIEW)
    _in_view(page, "company-profile-added-project-ko-390")
