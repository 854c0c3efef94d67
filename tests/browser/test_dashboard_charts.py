"""The dashboard's charts read at the page's own text size: not shrunk on a phone, not larger
than the section headings on a desktop."""

from io import StringIO

import pytest
from django.core.management import call_command

from dashboard.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = """() => ({
  labels: [...document.querySelectorAll(".chart th, .chart td.count")]
    .map((el) => parseFloat(getComputedStyle(el).fontSize)),
  heading: parseFloat(getComputedStyle(document.querySelector(".chart h2")).fontSize),
  overflow: document.documentElement.scrollWidth > window.innerWidth,
})"""


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_chart_labels_are_readable_and_smaller_than_headings(browser_page, live_server, language, width):
    call_command("seed_demo", stdout=StringIO())
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "staff", DEMO_PASSWORD)

    page.goto("/staff/dashboard/")
    screenshot(page, f"dashboard-charts-{language}-{width}")
    sizes = page.evaluate(SIZES)

    assert sizes["labels"] and min(sizes["labels"]) >= 14
    assert max(sizes["labels"]) < sizes["heading"]
    assert not sizes["overflow"]
