"""On the demo data, as a first visitor would see it: a company's list holds only the ideas that
fit it, each with its strength, and what does not fit waits behind "more possibilities"."""

import pytest
from django.core.management import call_command

from companies.models import Company
from matching import services
from matching.models import Match
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("username", "language", "width"), [("company1", "ko", 390), ("company2", "en", 1280)]
)
def test_a_demo_companys_list_shows_what_fits_it(browser_page, live_server, username, language, width):
    call_command("seed_demo", stdout=None)
    services.matching_sweep()
    company = Company.objects.get(memberships__user__username=username)
    shown = Match.objects.filter(company=company).confident().count()
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    log_in(page, username, "gwangju-demo-2026")
    page.goto(f"/companies/{company.slug}/matches/")

    cards = page.locator("ol.cards > li.card")
    assert cards.count() == shown
    # A weak match is listed only once the company has answered it (its interest stays in view).
    answered_weak = Match.objects.filter(company=company, strength="weak").exclude(status="suggested")
    assert page.locator("ol.cards .strength-weak").count() == answered_weak.count()
    screenshot(page, f"demo-company-matches-{username}-{language}-{width}")
