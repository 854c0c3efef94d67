"""The site on a 390 px phone: a header that leaves the first screen to the page, similar ideas
under the title of the submission form while the citizen types, and everything to tap at least
44 px tall. On a desktop the links stand in the header and the similar ideas beside the form."""

from io import StringIO

import pytest
from django.core.management import call_command

from companies.models import Company
from dashboard.management.commands.seed_demo import DEMO_PASSWORD
from matching import services
from pilots.models import Pilot, PilotStage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import SCREENSHOTS, axe_violations, log_in, screenshot
from tests.matching.conftest import IDEAS, make_idea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TAP = 44  # px: the smallest target a finger hits reliably (WCAG 2.5.5, Apple and Android guidance)


def _first_screen(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _box(page, selector: str) -> dict:
    """The element's box in page coordinates (not the viewport's, which move as the page scrolls)."""
    return page.eval_on_selector(
        selector,
        """(el) => { const r = el.getBoundingClientRect();
            return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right}; }""",
    )


def _as(page, live_server, language: str, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def test_similar_ideas_show_under_the_title_on_a_phone_and_beside_the_form_on_a_desktop(
    browser_page, live_server, lookup_worker, settings
):
    for key in IDEAS:
        idea = make_idea(key)
        services.embedding_refresh_for_idea(idea_id=idea.pk)
    UserFactory(username="minji")
    settings.SIMILAR_LOOKUP_WAIT_SECONDS = 30  # a slow machine must not turn the test into a 503
    page = browser_page
    _as(page, live_server, "ko", PHONE)
    log_in(page, "minji", PASSWORD)

    page.goto("/ideas/new/")
    assert not page.locator("#similar h2").is_visible()  # nothing found yet: no empty box
    page.fill("#id_title", "Traffic lights are too short for slow walkers")
    page.fill("#id_problem", "Old people cannot finish crossing before the light turns red.")
    page.locator("#similar-ideas li a").first.wait_for()

    title, similar, problem = (_box(page, s) for s in ("#id_title", "#similar-ideas", "#id_problem"))
    assert title["bottom"] <= similar["top"] < problem["top"]
    assert similar["top"] < PHONE["height"]  # on the first screen, without scrolling
    assert page.locator("#similar h2").is_visible()
    found = [v for v in axe_violations(page) if v["impact"] in {"serious", "critical"}]
    assert not found, found
    page.evaluate("window.scrollTo(0, 0)")
    _first_screen(page, "phone-idea-form-similar-ko-390")
    screenshot(page, "phone-idea-form-similar-ko-390-full")

    _as(page, live_server, "en", DESKTOP)
    page.goto("/ideas/new/")
    page.fill("#id_title", "Traffic lights are too short for slow walkers")
    page.fill("#id_problem", "Old people cannot finish crossing before the light turns red.")
    page.locator("#similar-ideas li a").first.wait_for()

    title, similar = _box(page, "#id_title"), _box(page, "#similar-ideas")
    assert similar["left"] >= title["right"]  # the column beside the form
    assert similar["top"] < _box(page, "#id_problem")["top"]
    page.evaluate("window.scrollTo(0, 0)")
    _first_screen(page, "desktop-idea-form-similar-en-1280")


# Everything a finger may tap in the header and the main part of the page, visible at the time.
# A box to tick counts with its label, which ticks it too.
TAP_TARGETS = """() => {
  const seen = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const selector = [
    ".site-header a", ".site-header button", ".site-header summary", ".site-header select",
    "main button", "main .button", "main select", "main summary", "main input:not([type=hidden])",
  ].join(", ");
  return [...document.querySelectorAll(selector)].filter(seen).map((el) => {
    let height = el.getBoundingClientRect().height;
    if (el.type === "checkbox" || el.type === "radio") {
      for (const label of el.labels) height = Math.max(height, label.getBoundingClientRect().height);
    }
    const name = (el.innerText || el.value || el.name || "").trim().slice(0, 40);
    return {what: `${el.tagName.toLowerCase()}${el.type ? "[" + el.type + "]" : ""} "${name}"`, height};
  });
}"""


def _too_small(page) -> list[dict]:
    targets = page.evaluate(TAP_TARGETS)
    assert targets  # the check looked at something
    return [t for t in targets if t["height"] < TAP - 0.5]


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    services.matching_sweep()


def test_a_phone_gets_a_compact_header_and_targets_a_finger_can_hit(browser_page, live_server, demo):
    pilot = Pilot.objects.filter(went_public_at__isnull=False, stage=PilotStage.RECRUITING).first()
    company = Company.objects.get(memberships__user__username="company1")
    visits = {
        None: ["/", "/ideas/", "/accounts/signup/"],
        "citizen1": ["/ideas/new/", f"/pilots/{pilot.pk}/", "/me/"],
        "company1": [f"/companies/{company.slug}/matches/", f"/companies/{company.slug}/edit/"],
        "staff": ["/staff/moderation/"],
    }
    page = browser_page
    too_small = []
    for username, urls in visits.items():
        page.context.clear_cookies()
        _as(page, live_server, "ko", PHONE)
        if username:
            log_in(page, username, DEMO_PASSWORD)
        for url in urls:
            page.goto(url)
            header = page.locator(".site-header")
            # One row: the name, "Menu" and the language; the page's heading is on the first screen.
            assert header.bounding_box()["height"] <= 90, url
            assert page.locator("h1").bounding_box()["y"] < 200, url
            assert not page.locator(".site-header nav a").first.is_visible()
            # Nothing is wider than the phone: a table (My page's notification settings) fits.
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
            too_small += [{"url": url, **t} for t in _too_small(page)]

            page.click(".site-menu summary")
            links = page.locator(".site-header nav a, .site-header nav button")
            assert links.count() >= 4
            assert all(links.nth(i).is_visible() for i in range(links.count())), url
            too_small += [{"url": url, **t} for t in _too_small(page)]
            page.keyboard.press("Escape")
            assert not page.locator(".site-header nav a").first.is_visible()
        page_name = username or "anonymous"
        _first_screen(page, f"phone-first-screen-{page_name}-ko-390")
        page.click(".site-menu summary")
        _first_screen(page, f"phone-menu-open-{page_name}-ko-390")
    assert not too_small, too_small

    # On a desktop the links are in the header from the start, and "Menu" is not there.
    _as(page, live_server, "en", DESKTOP)
    page.goto("/staff/moderation/")
    _first_screen(page, "desktop-first-screen-staff-en-1280")
    assert not page.locator(".site-menu summary").is_visible()
    links = page.locator(".site-header nav a, .site-header nav button")
    assert links.count() >= 8
    assert all(links.nth(i).is_visible() for i in range(links.count()))
    # One row: the tallest item is the language select or "Log out" (44 px) with the padding.
    assert page.locator(".site-header").bounding_box()["height"] <= 90
    _as(page, live_server, "ko", DESKTOP)
    page.goto("/staff/moderation/")
    assert page.locator(".site-header").bounding_box()["height"] <= 90
    _first_screen(page, "desktop-first-screen-staff-ko-1280")
