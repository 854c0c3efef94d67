"""An author revises and resubmits an idea sent back by staff; a citizen reports an idea and
staff hide it; a citizen replies to a comment. Each in Korean on a phone and in English on a
desktop."""

import pytest

from ideas import services
from ideas.models import Comment, Idea, IdeaStatus, Report
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.ideas.factories import CommentFactory, IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [("ko", 390), ("en", 1280)]
TEXT = {
    "ko": {
        "note": "연락처는 지우고 어느 정류장인지 적어 주세요.",
        "problem": "북구 용봉동 정류장에서 버스가 언제 올지 몰라 추운 날 오래 기다립니다.",
        "details": "작성자의 전화번호가 적혀 있어요.",
        "reply": "저도 매일 그 정류장에서 기다려요.",
        "submitted": "접수됨",
        "just_now": "방금",
        "counter": "/5,000자",
    },
    "en": {
        "note": "Remove the phone number and say which bus stop it is.",
        "problem": "At the Yongbong-dong stop nobody knows when the bus comes, so we wait in the cold.",
        "details": "The author's phone number is written in it.",
        "reply": "I wait at that stop every day too.",
        "submitted": "Submitted",
        "just_now": "just now",
        "counter": "of 5,000 characters",
    },
}


def _open(page, live_server, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def _log_in_as(page, live_server, language: str, username: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, username, PASSWORD)


@pytest.mark.parametrize(("language", "width"), WIDTHS)
def test_an_author_revises_and_resubmits_an_idea_staff_sent_back(browser_page, live_server, language, width):
    text = TEXT[language]
    author = UserFactory(username="minji", display_name="민지")
    staff = UserFactory(username="clerk", is_staff=True)
    idea = IdeaFactory(
        author=author, status=IdeaStatus.SUBMITTED, published_at=None, title="버스 정류장 안내가 필요해요"
    )
    services.idea_request_revision(idea=idea, by=staff, note=text["note"])
    page = browser_page
    _open(page, live_server, language, width)

    _log_in_as(page, live_server, language, "minji")
    page.goto("/me/")
    assert text["note"] in page.inner_text("main")
    screenshot(page, f"revise-my-page-{language}-{width}")
    page.click(f"main a[href='/ideas/{idea.pk}/edit/']")
    page.wait_for_url(f"**/ideas/{idea.pk}/edit/")
    assert text["note"] in page.inner_text("main")
    page.fill("#id_problem", text["problem"])
    counter = page.inner_text("#id_problem-counter")
    assert str(len(text["problem"])) in counter and text["counter"] in counter
    screenshot(page, f"revise-form-{language}-{width}")
    with page.expect_navigation():
        page.click("button[value=resubmit]")

    assert page.url.endswith(f"/ideas/{idea.pk}/")
    assert text["submitted"] in page.inner_text(".idea-head .status")
    screenshot(page, f"revise-resubmitted-{language}-{width}")
    revised = Idea.objects.get(pk=idea.pk)
    assert (revised.status, revised.problem) == (IdeaStatus.SUBMITTED, text["problem"])

    _log_in_as(page, live_server, language, "clerk")
    page.goto("/staff/moderation/")
    card = page.locator(f"#idea-{idea.pk}")
    assert text["note"] in card.inner_text()
    screenshot(page, f"revise-moderation-queue-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), WIDTHS)
def test_a_citizen_reports_an_idea_and_staff_hide_it(browser_page, live_server, language, width):
    text = TEXT[language]
    UserFactory(username="jun")
    UserFactory(username="clerk", is_staff=True)
    idea = IdeaFactory(title="010-1234-5678로 연락 주세요")
    page = browser_page
    _open(page, live_server, language, width)

    _log_in_as(page, live_server, language, "jun")
    page.goto(f"/ideas/{idea.pk}/")
    page.click("a.report-link")
    page.wait_for_url(f"**/ideas/{idea.pk}/report/")
    page.check("input[name=reason][value=personal_data]")
    page.fill("#id_details", text["details"])
    screenshot(page, f"report-form-{language}-{width}")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith(f"/ideas/{idea.pk}/")
    assert page.locator(".messages").count() == 1
    report = Report.objects.get()
    assert (report.idea_id, report.reason, report.details) == (idea.pk, "personal_data", text["details"])

    page.goto(f"/ideas/{idea.pk}/report/")
    assert page.locator("#already-reported").is_visible()

    _log_in_as(page, live_server, language, "clerk")
    page.goto("/staff/moderation/")
    row = page.locator(f"#report-{report.pk}")
    assert text["details"] in row.inner_text()
    screenshot(page, f"report-moderation-{language}-{width}")
    with page.expect_navigation():
        row.locator("button[value=hide]").click()

    assert page.locator(f"#report-{report.pk}").count() == 0
    assert Idea.objects.get(pk=idea.pk).is_hidden is True
    assert Report.objects.get(pk=report.pk).resolution == "hidden"


@pytest.mark.parametrize(("language", "width"), WIDTHS)
def test_a_citizen_replies_to_a_comment(browser_page, live_server, language, width):
    text = TEXT[language]
    UserFactory(username="jun", display_name="준")
    idea = IdeaFactory()
    top = CommentFactory(idea=idea)
    page = browser_page
    _open(page, live_server, language, width)

    # A visitor is invited to log in, with the invitation on the phone's first screen.
    page.goto(f"/ideas/{idea.pk}/")
    invitation = page.locator("#log-in-to-support")
    assert invitation.bounding_box()["y"] < 844
    screenshot(page, f"idea-page-visitor-{language}-{width}")
    with page.expect_navigation():
        invitation.click()
    page.fill("#id_username", "jun")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith(f"/ideas/{idea.pk}/")
    assert page.locator("#support button").bounding_box()["y"] < 844

    thread = page.locator(f"#comment-{top.pk}")
    thread.locator("details.reply summary").click()
    thread.locator(f"#id_reply_{top.pk}").fill(text["reply"])
    assert "2,000" in thread.locator(f"#id_reply_{top.pk}-counter").inner_text()
    with page.expect_navigation():
        thread.locator("details.reply button[type=submit]").click()

    reply = Comment.objects.get(parent=top)
    shown = page.locator(f"#comment-{top.pk} .replies #comment-{reply.pk}")
    assert text["reply"] in shown.inner_text()
    assert text["just_now"] in shown.locator("time").inner_text()
    assert shown.locator(f"a[href='/comments/{reply.pk}/edit/']").count() == 1
    assert page.locator(f"#comment-{reply.pk} details.reply").count() == 0
    screenshot(page, f"comment-reply-{language}-{width}")
