import pytest

from matching import services
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.matching.conftest import IDEAS, make_idea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_similar_ideas_appear_while_a_citizen_types(browser_page, lookup_worker, settings):
    for key in IDEAS:
        idea = make_idea(key)
        services.embedding_refresh_for_idea(idea_id=idea.pk)
    UserFactory(username="minji")
    # The lookup runs on a worker of the "similar" queue (`lookup_worker`), as deployed.
    settings.SIMILAR_LOOKUP_WAIT_SECONDS = 30  # a slow machine must not turn the test into a 503
    page = browser_page

    log_in(page, "minji", PASSWORD)
    page.goto("/ideas/new/")
    page.fill("#id_title", "Traffic lights are too short for slow walkers")
    page.fill("#id_problem", "Old people cannot finish crossing before the light turns red.")

    first = page.locator("#similar-ideas li a").first
    first.wait_for()
    assert first.inner_text() == "할머니들이 횡단보도를 다 못 건너세요"
    # Related, not the same idea: no invitation to support it instead.
    assert page.locator("#similar-ideas a.button").count() == 0
    screenshot(page, "citizen-similar-ideas")

    page.fill("#id_title", "My mother keeps forgetting her pills")
    page.fill(
        "#id_problem", "She lives alone and cannot remember whether she took her blood pressure medicine."
    )
    support = page.locator("#similar-ideas a.button").first
    support.wait_for()
    assert page.locator("#similar-ideas li").first.locator("a").first.inner_text() in {
        "어머니가 약 드시는 걸 자꾸 잊으세요",
        "My father forgets his medicine",
    }
    screenshot(page, "citizen-similar-ideas-near-duplicate")


def test_a_lookup_that_ran_out_of_time_is_asked_again(browser_page, lookup_worker, settings):
    import os
    import signal

    idea = make_idea("crossing")
    services.embedding_refresh_for_idea(idea_id=idea.pk)
    UserFactory(username="minji")
    settings.SIMILAR_LOOKUP_WAIT_SECONDS = 2
    page = browser_page
    log_in(page, "minji", PASSWORD)
    page.goto("/ideas/new/")

    # A worker that does not answer in time, as on a machine too busy for it: the page gets a 503.
    os.killpg(lookup_worker.process.pid, signal.SIGSTOP)
    try:
        with page.expect_response(lambda r: "/api/v1/ideas/similar/" in r.url) as first_answer:
            page.fill("#id_title", "Traffic lights are too short for slow walkers")
            page.fill("#id_problem", "Old people cannot finish crossing before the light turns red.")
        assert first_answer.value.status == 503
    finally:
        os.killpg(lookup_worker.process.pid, signal.SIGCONT)

    # Nothing more is typed: the page asks again by itself and shows what the worker finds.
    settings.SIMILAR_LOOKUP_WAIT_SECONDS = 30
    page.locator("#similar-ideas li a").first.wait_for()
    assert page.locator("#similar-ideas li a").first.inner_text() == IDEAS["crossing"][0]


def test_language_switch_on_every_page(browser_page):
    make_idea("bus")
    page = browser_page

    page.goto("/ideas/")
    assert page.locator("html").get_attribute("lang") == "ko"
    # Choosing a language submits the form; wait for the page it leads to.
    with page.expect_navigation():
        page.select_option("#language-select", "en")

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Ideas"
    screenshot(page, "language-switch-english")
