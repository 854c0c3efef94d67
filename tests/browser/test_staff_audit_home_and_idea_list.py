"""The demo site as people see it: the home page and the idea list with its filters, staff
reading the audit log narrowed to one kind of action, and confirming then undoing a merge; in
Korean on a phone and in English on a desktop."""

from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEntry
from dashboard.management.commands.seed_demo import DEMO_PASSWORD
from ideas import selectors
from ideas.models import Idea, IdeaStatus
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = [("ko", 390), ("en", 1280)]


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def _as(page, live_server, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def _fits(page) -> None:
    # Nothing wider than the screen: a phone would otherwise scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_the_home_page_and_the_idea_list_with_filters(browser_page, live_server, demo, language, width):
    page = browser_page
    _as(page, live_server, language, width)

    page.goto("/")
    main = page.inner_text("main")
    assert ("광주의 실증 사업" if language == "ko" else "Pilots in Gwangju") in main
    assert ("참여자 모집" if language == "ko" else "Recruiting participants") in main
    _fits(page)
    screenshot(page, f"home-{language}-{width}")

    # The whole list, over several pages: where the reader is among them is said between the links.
    page.goto("/ideas/?page=2")
    pages = page.inner_text("nav.pages")
    total = -(-selectors.idea_list(user=AnonymousUser()).count() // 12)
    assert (f"{total}쪽 중 2쪽" if language == "ko" else f"Page 2 of {total}") in pages
    _fits(page)
    screenshot(page, f"idea-list-pages-{language}-{width}")

    page.goto("/ideas/")
    page.select_option("select[name=category]", "health")
    page.select_option("select[name=ordering]", "-supports")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    main = page.inner_text("main")
    assert "---------" not in main and "Unknown" not in main and "알 수 없음" not in main
    assert page.locator("select[name=mine]").count() == 0  # not signed in
    assert page.locator("select[name=category]").input_value() == "health"
    _fits(page)
    screenshot(page, f"idea-list-filtered-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_staff_read_the_audit_log_filtered(browser_page, live_server, demo, language, width):
    page = browser_page
    log_in(page, "staff", DEMO_PASSWORD)
    _as(page, live_server, language, width)
    today = timezone.localdate().isoformat()
    # The demo's pilots changed stage over the past months, as their milestones tell.
    first = AuditEntry.objects.filter(action="pilot_stage").earliest("created_at").created_at

    page.goto("/staff/audit/")
    page.select_option("select[name=action]", "pilot_stage")
    page.fill("input[name=since]", timezone.localdate(first).isoformat())
    page.fill("input[name=until]", today)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")

    rows = page.locator("table.records tbody tr")
    assert rows.count() == AuditEntry.objects.filter(action="pilot_stage").count() > 0
    text = page.inner_text("table.records")
    went_public = {"ko": "단계: 기획 → 참여자 모집", "en": "Stage: Planning → Recruiting participants"}
    assert went_public[language] in text
    assert "pilot_stage" not in text and "{" not in text
    _fits(page)
    screenshot(page, f"audit-log-filtered-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_staff_confirm_a_merge_and_undo_it(browser_page, live_server, demo, language, width):
    source = Idea.objects.get(title="Loose dog packs near Mudeungsan hiking paths need attention")
    target = Idea.objects.get(title="Stray dogs on the Mudeungsan trails make hiking scary")
    page = browser_page
    log_in(page, "staff", DEMO_PASSWORD)
    _as(page, live_server, language, width)

    page.goto(f"/staff/ideas/{source.pk}/merge/?into={target.pk}")
    assert source.title in page.inner_text("main") and target.title in page.inner_text("main")
    _fits(page)
    screenshot(page, f"merge-confirm-{language}-{width}")
    with page.expect_navigation():
        page.click("form.actions button[type=submit]")
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.MERGED
    screenshot(page, f"merged-idea-for-staff-{language}-{width}")

    with page.expect_navigation():
        page.click(".staff-box button[type=submit]")
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.PUBLISHED
