"""A citizen on a staff page, and a citizen invited into a company, as they see it: in Korean on a
phone and in English on a desktop."""

import pytest

from companies.models import CompanyInvitation, Membership
from ideas.models import IdeaStatus
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.companies.factories import CompanyFactory
from tests.ideas.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = [("ko", 390), ("en", 1280)]


def _as(page, live_server, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_a_citizen_on_a_staff_page_is_told_it_is_for_staff(browser_page, live_server, language, width):
    UserFactory(username="minji")
    page = browser_page
    log_in(page, "minji", PASSWORD)
    _as(page, live_server, language, width)

    response = page.goto("/staff/moderation/")

    assert response.status == 403
    text = page.inner_text("main")
    assert ("시 담당자" if language == "ko" else "city staff") in text
    screenshot(page, f"staff-page-no-access-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_an_invited_citizen_accepts_and_a_merged_idea_points_on(browser_page, live_server, language, width):
    owner = UserFactory(username="owner")
    invited = UserFactory(username="minji")
    company = CompanyFactory(name="곁에케어", slug="gyeote-care")
    CompanyInvitation.objects.create(company=company, user=invited, invited_by=owner)
    target = IdeaFactory(title="어르신 복약 알림 서비스")
    merged = IdeaFactory(title="약 먹는 시간을 알려 주세요", status=IdeaStatus.MERGED, merged_into=target)
    page = browser_page
    log_in(page, "minji", PASSWORD)
    _as(page, live_server, language, width)

    page.goto(f"/companies/{company.slug}/")
    screenshot(page, f"company-invitation-{language}-{width}")
    with page.expect_navigation():
        page.click("button[value=accept]")
    assert Membership.objects.filter(company=company, user=invited).exists()

    page.goto(f"/ideas/{merged.pk}/")
    assert target.title in page.inner_text("main") and page.locator("#support").count() == 0
    screenshot(page, f"merged-idea-{language}-{width}")
