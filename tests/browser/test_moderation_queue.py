"""The moderation queue on a phone and a desktop, in Korean and English: each card shows the idea
and its "Publish" button, with rejecting and asking for a revision folded under their names and
the idea's whole text a tap away, so six ideas do not make a page of 5,000 px."""

import pytest

from ideas.models import Idea, IdeaStatus
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.ideas.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAST_WORDS = "이 문장은 처음 몇 줄에는 나오지 않습니다."
TEXT = {
    "ko": {"reject": "반려", "revise": "보완 요청", "whole": "전체 글 보기"},
    "en": {"reject": "Reject", "revise": "Ask for a revision", "whole": "Show the whole text"},
}


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_a_card_folds_rejecting_revising_and_the_whole_text(browser_page, live_server, language, width):
    text = TEXT[language]
    UserFactory(username="clerk", is_staff=True)
    ideas = [
        IdeaFactory(
            status=IdeaStatus.SUBMITTED,
            published_at=None,
            title=f"{n}번 정류장에 버스 도착 안내 화면을 달아 주세요",
            problem="정류장에 안내 화면이 없어서 버스가 언제 오는지 알 수 없습니다. " * 8 + LAST_WORDS,
            proposal="도착 예정 시각을 음성과 화면으로 알려 주세요.",
        )
        for n in range(6)
    ]
    idea = ideas[0]
    page = browser_page
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "clerk", PASSWORD)

    page.goto("/staff/moderation/")

    card = page.locator(f"#idea-{idea.pk}")
    assert card.locator("button[value=publish]").is_visible()
    for field in ("reason", "note"):
        assert not card.locator(f"#{field}-{idea.pk}").is_visible()
    assert card.locator(f"#reject-{idea.pk} > summary").inner_text().endswith(text["reject"])
    assert card.locator(f"#revise-{idea.pk} > summary").inner_text().endswith(text["revise"])
    assert LAST_WORDS not in card.inner_text()
    heights = page.evaluate("[...document.querySelectorAll('li.card[id^=idea-]')].map((c) => c.offsetHeight)")
    screenshot(page, f"moderation-queue-{language}-{width}")
    # 670 px and more on a phone with the two forms open and a longer excerpt.
    assert max(heights) < (500 if width < 600 else 560), heights
    # A paragraph of Korean to read and decide on: on a desktop, two wide cards a row rather than
    # three columns of a dozen characters a line; on a phone, the screen's width.
    widths = page.evaluate("[...document.querySelectorAll('li.card[id^=idea-]')].map((c) => c.offsetWidth)")
    assert min(widths) >= (340 if width < 600 else 384), widths

    whole = card.locator("details.whole-text > summary")
    assert whole.inner_text().endswith(text["whole"])
    whole.click()
    assert LAST_WORDS in card.inner_text()
    assert not card.locator(".excerpt").is_visible()  # the whole text replaces its first lines
    screenshot(page, f"moderation-whole-text-{language}-{width}")

    card.locator(f"#reject-{idea.pk} > summary").click()
    reason = card.locator(f"#reason-{idea.pk}")
    assert reason.is_visible()
    reason.fill("   ")  # passes the browser's check, refused by the site as blank
    with page.expect_navigation():
        card.locator("button[value=reject]").click()

    # The page comes back with the refused fold open, its error shown and its box focused.
    card = page.locator(f"#idea-{idea.pk}")
    assert card.locator(f"#reject-{idea.pk}").get_attribute("open") is not None
    assert card.locator(f"#reason-{idea.pk}-error").is_visible()
    assert page.evaluate("document.activeElement.id") == f"reason-{idea.pk}"
    assert not card.locator(f"#note-{idea.pk}").is_visible()
    assert not page.locator(f"#reason-{ideas[1].pk}").is_visible()
    screenshot(page, f"moderation-refused-{language}-{width}")
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.SUBMITTED
