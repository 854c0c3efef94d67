"""The similar ideas listed while a citizen writes open in a new tab, as the list says to everyone
who reads it: following one leaves the half-written idea where it is."""

import json

import pytest

from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.ideas.factories import IdeaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HINT = {
    "ko": "새 탭에서 열리므로 작성 중인 내용은 그대로 남습니다.",
    "en": "Each opens in a new tab: what you typed stays here.",
}


def _row(idea_id: int, title: str, *, likely_duplicate: bool) -> dict:
    return {
        "idea": {"id": idea_id, "title": title, "language": "ko"},
        "similarity": 0.9,
        "likely_duplicate": likely_duplicate,
        "likelihood": "same" if likely_duplicate else "related",
        "likelihood_label": "",
        "is_own": False,
    }


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_similar_ideas_open_in_a_new_tab_and_the_form_keeps_its_text(
    browser_page, live_server, language, width
):
    UserFactory(username="minji")
    same = IdeaFactory(title="버스 도착 알림판을 정류장마다")
    related = IdeaFactory(title="저상버스 도착 시간 안내")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "minji", PASSWORD)
    # The lookup's answer as the API gives it, so the form is tested without the model running.
    rows = [
        _row(same.pk, same.title, likely_duplicate=True),
        _row(related.pk, related.title, likely_duplicate=False),
    ]
    page.route(
        "**/api/v1/ideas/similar/",
        lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(rows)),
    )
    page.goto("/ideas/new/")
    page.fill("#id_title", "버스 도착 알림이 필요해요")
    page.locator("#similar-ideas li").nth(1).wait_for()

    hint = page.locator("#similar-new-tab")
    assert hint.is_visible() and hint.inner_text() == HINT[language]
    links = page.locator("#similar-ideas a")
    assert links.count() == 3  # two titles and one "Support this one instead"
    for n in range(links.count()):
        link = links.nth(n)
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in link.get_attribute("rel").split()
        assert link.get_attribute("aria-describedby") == "similar-new-tab"
    screenshot(page, f"similar-ideas-new-tab-{language}-{width}")

    with page.context.expect_page() as opened:
        page.click(f"#similar-ideas a[href='/ideas/{same.pk}/']")
    opened.value.wait_for_load_state()
    assert opened.value.url.endswith(f"/ideas/{same.pk}/")
    assert page.url.endswith("/ideas/new/")
    assert page.input_value("#id_title") == "버스 도착 알림이 필요해요"
