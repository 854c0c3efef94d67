"""The submission form shows a similar idea the citizen posted themselves as theirs, with a link
to it and no "Support this one instead" button."""

import json

import pytest

from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _row(idea_id: int, title: str, *, is_own: bool) -> dict:
    return {
        "idea": {"id": idea_id, "title": title, "language": "ko"},
        "similarity": 0.9,
        "likely_duplicate": True,
        "likelihood": "same",
        "likelihood_label": "같은 아이디어일 가능성이 매우 높음",
        "is_own": is_own,
    }


def test_the_citizens_own_idea_is_shown_as_theirs_without_a_support_button(browser_page):
    UserFactory(username="minji")
    page = browser_page
    log_in(page, "minji", PASSWORD)
    # The lookup's answer as the API gives it (tests/matching/test_similar_own_ideas.py), so the
    # form is tested without a worker running the model.
    rows = [
        _row(11, "내가 올린 버스 알림 아이디어", is_own=True),
        _row(12, "다른 사람의 버스 알림", is_own=False),
    ]
    page.route(
        "**/api/v1/ideas/similar/",
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(rows)),
    )
    page.goto("/ideas/new/")
    page.fill("#id_title", "버스 도착 알림이 필요해요")

    items = page.locator("#similar-ideas li")
    items.nth(1).wait_for()
    own, other = items.nth(0), items.nth(1)
    assert own.locator("a").count() == 1
    assert own.locator("a").get_attribute("href") == "/ideas/11/"
    assert own.locator(".own-idea").count() == 1
    assert other.locator("a.button").get_attribute("href") == "/ideas/12/#support"
    assert other.locator(".own-idea").count() == 0
    screenshot(page, "citizen-similar-ideas-own-idea")
