import pytest

from accounts.models import AuditEntry
from companies.models import MemberRole, Membership
from ideas.models import Idea, IdeaStatus
from matching import services
from matching.models import Match, MatchStatus
from pilots.models import Pilot
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.matching.conftest import COMPANIES, IDEAS, make_company, make_idea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _catalogue():
    companies = {key: make_company(key) for key in COMPANIES}
    ideas = {key: make_idea(key) for key in IDEAS}
    for company in companies.values():
        services.embedding_refresh_for_company(company_id=company.pk)
    for idea in ideas.values():
        services.embedding_refresh_for_idea(idea_id=idea.pk)
    services.match_refresh_all()
    return companies, ideas


def test_a_company_sees_its_matches_and_expresses_interest(browser_page):
    companies, ideas = _catalogue()
    member = UserFactory(username="carol")
    Membership.objects.create(company=companies["care"], user=member, role=MemberRole.OWNER)
    page = browser_page

    log_in(page, "carol", PASSWORD)
    page.click(".site-menu summary")  # on a phone the links wait behind "Menu"
    page.click("text=곁에케어")  # the member's menu link to the company's matches
    first = page.locator("ol.cards > li").first
    assert first.locator("h2").inner_text() == "My father forgets his medicine"
    assert "강한 매칭" in first.inner_text() and "에 가깝습니다." in first.inner_text()
    # Only the ideas that fit: the care company's list holds no bus stops or pepper leaves.
    assert page.locator("ol.cards > li").count() == 2
    assert "Stray dogs" not in page.content() and "약한 매칭도 보기" in page.content()
    screenshot(page, "company-matches-without-unrelated-ideas")
    first.locator("summary").click()
    first.locator("textarea[name=proposal_plan]").fill("서구 어르신 20가구에 복약 디스펜서를 설치합니다.")
    first.locator("textarea[name=proposal_data_needed]").fill("복약 시각 기록")
    first.locator("input[name=proposal_duration_weeks]").fill("8")
    with page.expect_navigation():
        first.locator("button[value=interested]").click()

    # The card keeps the whole proposal sent, for every member to read.
    proposal = page.locator("ol.cards > li dl.proposal").inner_text()
    assert "복약 디스펜서" in proposal and "복약 시각 기록" in proposal and "약 8주" in proposal
    screenshot(page, "company-interest")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.url}])
    page.reload()
    assert "about 8 weeks" in page.locator("ol.cards > li dl.proposal").inner_text()
    screenshot(page, "company-interest-en-1280")
    assert Match.objects.filter(company=companies["care"], status=MatchStatus.INTERESTED).count() == 1


def test_staff_publish_merge_and_create_a_pilot(browser_page):
    staff = UserFactory(username="staff", is_staff=True)
    published = make_idea("pills")
    services.embedding_refresh_for_idea(idea_id=published.pk)
    make_idea("crossing")
    waiting = make_idea("pills_en", status=IdeaStatus.SUBMITTED)
    services.embedding_refresh_for_idea(idea_id=waiting.pk)
    other = make_idea("leaves", status=IdeaStatus.SUBMITTED)
    page = browser_page
    assert staff.is_staff

    log_in(page, "staff", PASSWORD)
    page.goto("/staff/moderation/")
    with page.expect_navigation():
        page.locator(f"#idea-{other.pk} button[value=publish]").click()
    card = page.locator(f"#idea-{waiting.pk}")
    assert published.title in card.inner_text()
    with page.expect_navigation():
        card.locator("a[href*='/merge/']").first.click()
    # Nothing is merged until staff confirm on the page that shows both ideas.
    assert Idea.objects.get(pk=waiting.pk).merged_into_id is None
    with page.expect_navigation():
        page.click("form.actions button[type=submit]")

    screenshot(page, "staff-merge-confirmed")
    assert Idea.objects.get(pk=other.pk).status == IdeaStatus.PUBLISHED
    assert Idea.objects.get(pk=waiting.pk).merged_into_id == published.pk

    care = make_company("care")
    page.goto(f"/ideas/{published.pk}/")
    page.click(f"a[href='/staff/ideas/{published.pk}/pilot/']")
    page.fill("#id_title_en", "Medication reminders in Seo-gu")
    page.fill("#id_description", "서구 어르신 20가구에서 8주 동안 복약 알림을 실증합니다.")
    page.fill("#id_description_en", "Medication reminders in 20 homes in Seo-gu, for eight weeks.")
    page.fill("#id_venue", "서구 보건소")
    page.fill("#id_venue_en", "Seo-gu public health centre")
    page.check(f"input[name=companies][value='{care.pk}']")
    screenshot(page, "staff-pilot-form")
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_url("**/pilots/*/")

    screenshot(page, "staff-pilot-created")
    assert page.locator("h1").inner_text() == published.title
    created = Pilot.objects.get(idea=published)
    assert created.title_en == "Medication reminders in Seo-gu"
    assert created.description_en == "Medication reminders in 20 homes in Seo-gu, for eight weeks."
    assert (created.venue, created.venue_en) == ("서구 보건소", "Seo-gu public health centre")
    # Planned, the pilot is not public yet: the idea is in pilot once the pilot recruits.
    assert Idea.objects.get(pk=published.pk).status in (IdeaStatus.PUBLISHED, IdeaStatus.MATCHED)
    assert {"idea_publish", "idea_merge", "pilot_create"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )
