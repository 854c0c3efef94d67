"""The similar ideas come back with a submission sent back for a missing field, without typing
again: the citizen reconsiders just then. An idea they already support says so, with no "Support
this one instead" button; their own idea is shown as theirs."""

import json

import pytest

from ideas.models import Support
from matching import services
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.matching.conftest import IDEAS, make_idea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPPORTED = {"ko": "이미 공감한 아이디어입니다.", "en": "You already support this idea."}
OWN = {"ko": "내가 제안한 아이디어", "en": "Your own idea"}


def _as(page, live_server, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def test_the_similar_ideas_come_back_after_a_missing_field(
    browser_page, live_server, lookup_worker, settings
):
    ideas = {key: make_idea(key) for key in IDEAS}
    for idea in ideas.values():
        services.embedding_refresh_for_idea(idea_id=idea.pk)
    minji = UserFactory(username="minji")
    Support.objects.create(idea=ideas["pills"], user=minji)
    # The lookup runs on a worker of the "similar" queue (`lookup_worker`), as deployed.
    settings.SIMILAR_LOOKUP_WAIT_SECONDS = 30  # a slow machine must not turn the test into a 503
    page = browser_page
    log_in(page, "minji", PASSWORD)

    for language, width in (("ko", 390), ("en", 1280)):
        _as(page, live_server, language, width)
        page.goto("/ideas/new/")
        page.fill("#id_title", "My mother keeps forgetting her pills")
        page.fill(
            "#id_problem", "She lives alone and cannot remember whether she took her blood pressure medicine."
        )
        page.locator("#similar-ideas li").first.wait_for()
        while_typing = page.locator("#similar-ideas li > a:first-child").all_inner_texts()
        assert IDEAS["pills"][0] in while_typing

        # What AI could do, the category and the district are missing.
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.locator(".error-summary").is_visible()
        assert page.input_value("#id_title") == "My mother keeps forgetting her pills"

        # Nothing typed since: the page looks the draft up again by itself.
        page.locator("#similar-ideas li").first.wait_for()
        assert page.locator("#similar h2").is_visible()
        again = page.locator("#similar-ideas li > a:first-child").all_inner_texts()
        assert IDEAS["pills"][0] in again
        supported = page.locator("#similar-ideas li").filter(
            has=page.get_by_role("link", name=IDEAS["pills"][0], exact=True)
        )
        assert supported.locator(".supported-idea").inner_text() == SUPPORTED[language]
        assert supported.locator("a.button").count() == 0
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, f"idea-form-error-similar-ideas-{language}-{width}")


def _row(idea_id: int, title: str, **marks) -> dict:
    return {
        "idea": {"id": idea_id, "title": title, "language": "ko"},
        "similarity": 0.9,
        "likely_duplicate": True,
        "likelihood": "same",
        "likelihood_label": "같은 아이디어일 가능성이 매우 높음",
        "is_own": False,
        "is_supported": False,
        **marks,
    }


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_an_idea_the_citizen_supports_says_so_instead_of_inviting_support(
    browser_page, live_server, language, width
):
    UserFactory(username="minji")
    page = browser_page
    _as(page, live_server, language, width)
    log_in(page, "minji", PASSWORD)
    # The lookup's answer as the API gives it (tests/matching/test_similar_supported_ideas.py), so
    # the form is tested without a worker running the model.
    rows = [
        _row(11, "어머니가 약 드시는 걸 자꾸 잊으세요", is_supported=True),
        _row(12, "혼자 사는 아버지 약 알림", likely_duplicate=False, likelihood="related", is_supported=True),
        _row(13, "약 먹을 시간 알림", is_own=True, likely_duplicate=False, likelihood="related"),
        _row(14, "복약 알림 서비스"),
    ]
    page.route(
        "**/api/v1/ideas/similar/",
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(rows)),
    )
    page.goto("/ideas/new/")
    page.fill("#id_title", "어머니 약 복용 알림")

    items = page.locator("#similar-ideas li")
    items.nth(3).wait_for()
    for supported in (items.nth(0), items.nth(1)):
        assert supported.locator(".supported-idea").inner_text() == SUPPORTED[language]
        assert supported.locator("a").count() == 1  # the idea itself, no button
    assert items.nth(2).locator(".own-idea").inner_text() == OWN[language]
    assert items.nth(2).locator("a.button").count() == 0
    assert items.nth(3).locator(".supported-idea").count() == 0
    assert items.nth(3).locator("a.button").get_attribute("href") == "/ideas/14/#support"
    screenshot(page, f"idea-form-similar-ideas-supported-{language}-{width}")
