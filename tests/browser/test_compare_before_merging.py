"""A possible duplicate on the moderation queue leads to the page that shows both ideas side by
side; its button offers a merge by name only for a pair very likely the same idea, and the page
says how likely the two are the same. On a phone and a desktop, in Korean and English."""

import pytest

from ideas.models import Idea, IdeaStatus
from matching import services
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import axe_violations, log_in, screenshot
from tests.ideas.factories import IdeaFactory
from tests.matching.conftest import make_idea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "ko": {
        "merge": "비교하고 병합…",
        "compare": "비교하기…",
        "same": "같은 아이디어일 가능성이 매우 높음",
        "similar": "비슷한 아이디어",
        "caution": "같은 것을 제안할 때만 병합하세요",
    },
    "en": {
        "merge": "Compare and merge…",
        "compare": "Compare…",
        "same": "Very likely the same idea",
        "similar": "Similar idea",
        "caution": "Merge only if both propose the same thing",
    },
}
SERIOUS = ("critical", "serious")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_queue_names_a_merge_only_for_a_likely_duplicate(browser_page, live_server, language, width):
    text = TEXT[language]
    UserFactory(username="clerk", is_staff=True)
    queued = make_idea("pills")
    # The same request by someone else in other words, and in English by a son.
    again = IdeaFactory(
        title="어머니가 약 드시는 것을 자주 잊으세요",
        problem="혼자 계신 어머니께서 혈압약을 드셨는지 자꾸 잊어버리세요.",
        proposal="약 드실 시간을 알려 드리고, 안 드시면 가족에게 알려 주면 좋겠어요.",
        category="elderly_care",
        language="ko",
    )
    in_english = make_idea("pills_en")
    for idea in (queued, again, in_english):
        services.embedding_refresh_for_idea(idea_id=idea.pk)
    Idea.objects.filter(pk=queued.pk).update(status=IdeaStatus.SUBMITTED, published_at=None)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "clerk", PASSWORD)

    page.goto("/staff/moderation/")
    card = page.locator(f"#idea-{queued.pk}")
    likely = card.locator(f"a[href$='/merge/?into={again.pk}']")
    similar = card.locator(f"a[href$='/merge/?into={in_english.pk}']")
    assert likely.inner_text() == text["merge"] and similar.inner_text() == text["compare"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    card.scroll_into_view_if_needed()
    screenshot(page, f"moderation-duplicates-{language}-{width}")

    with page.expect_navigation():
        similar.click()
    likeness = page.locator("p.likeness")
    assert text["similar"] in likeness.inner_text() and text["caution"] in likeness.inner_text()
    assert page.locator(".compare .card").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not [v["id"] for v in axe_violations(page) if v["impact"] in SERIOUS]
    screenshot(page, f"merge-confirm-similar-{language}-{width}")

    page.goto(f"/staff/ideas/{queued.pk}/merge/?into={again.pk}")
    assert text["same"] in likeness.inner_text() and text["caution"] not in likeness.inner_text()
    screenshot(page, f"merge-confirm-likely-{language}-{width}")
