"""City staff change the words of a citizen's published idea in the browser: the form asks why
until they say, and the idea's page then shows, beside the author's name, that city staff edited
it, when and why; on a phone and a desktop, in Korean and English."""

import pytest
from django.utils import translation
from django.utils.formats import date_format

from accounts.models import Notification
from ideas.models import Category, District, Idea
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import axe_violations, log_in, screenshot
from tests.ideas.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "ko": {
        "title": "하남산단 근처 밤마다 나는 타는 냄새 (시 수정)",
        "reason": "어느 산단인지 알 수 있도록 제목에 장소를 더했습니다.",
        "missing": "작성자의 글을 고치는 이유를 적어 주세요.",
        "mark": "시 담당자가 고침 · {date}",
        "why": "고친 이유: ",
    },
    "en": {
        "title": "A burning smell near Hanam industrial park every night (edited)",
        "reason": "Added the place to the title, so readers know which industrial park it is.",
        "missing": "Say why you change the author's words",
        "mark": "Edited by city staff · {date}",
        "why": "Reason for the change: ",
    },
}


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_staff_say_why_they_changed_a_citizens_words_and_the_page_shows_it(
    browser_page, live_server, language, width
):
    author = UserFactory(display_name="무등산 부엉이")
    idea = IdeaFactory(
        author=author,
        title="밤마다 나는 타는 냄새",
        problem="밤 10시만 넘으면 창문을 열 수 없을 만큼 타는 냄새가 납니다. 아이들이 기침을 해요.",
        proposal="AI가 냄새 민원과 바람 방향, 공장 가동 시간을 모아 어디서 나는지 찾아 주면 좋겠어요.",
        category=Category.ENVIRONMENT_ENERGY,
        district=District.GWANGSAN_GU,
        beneficiaries="하남동 주민",
    )
    UserFactory(username="cityclerk", is_staff=True)
    words = WORDS[language]
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "cityclerk", PASSWORD)

    page.goto(f"/ideas/{idea.pk}/edit/")
    page.fill("#id_title", words["title"])
    page.click("#idea-form button[value=save]")

    summary = page.locator(".error-summary")
    assert words["missing"] in summary.inner_text()
    assert page.locator("#id_title").input_value() == words["title"]
    assert axe_violations(page) == []
    screenshot(page, f"staff-edit-reason-missing-{language}-{width}")

    page.fill("#id_edit_reason", words["reason"])
    page.click("#idea-form button[value=save]")
    page.wait_for_url(f"**/ideas/{idea.pk}/")

    edited = Idea.objects.get(pk=idea.pk)
    with translation.override(language):
        date = date_format(edited.staff_edited_at, "DATE_FORMAT")
    head = page.locator("header.idea-head")
    mark = page.locator("#staff-edit")
    assert page.locator("h1").inner_text() == words["title"]
    assert words["mark"].format(date=date) in mark.inner_text()
    assert words["why"] + words["reason"] in mark.inner_text()
    # Right under the line that names the author.
    author_line = head.locator("p.meta").first
    assert "무등산 부엉이" in author_line.inner_text()
    assert mark.bounding_box()["y"] > author_line.bounding_box()["y"]
    assert mark.bounding_box()["width"] <= width
    assert Notification.objects.filter(user=author, link=f"/ideas/{idea.pk}/").count() == 1
    assert axe_violations(page) == []
    screenshot(page, f"staff-edit-mark-{language}-{width}")
