"""The browser's own words (a date field's parts, its picker button) are in the language the test
reads the site in: Korean pages are not screenshot with an American "mm/dd/yyyy"."""

import pytest

from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _date_parts(page, selector: str) -> list[str]:
    """The names the browser gives the parts of a date field, in the order it draws them: its
    accessibility tree holds them, the page's DOM does not."""
    cdp = page.context.new_cdp_session(page)
    found = cdp.send("Runtime.evaluate", {"expression": f"document.querySelector({selector!r})"})
    backend_id = cdp.send("DOM.describeNode", {"objectId": found["result"]["objectId"]})["node"][
        "backendNodeId"
    ]
    nodes = {node["nodeId"]: node for node in cdp.send("Accessibility.getFullAXTree")["nodes"]}
    field = next(node for node in nodes.values() if node.get("backendDOMNodeId") == backend_id)
    parts: list[str] = []

    def walk(node_id: str) -> None:
        node = nodes[node_id]
        if node["role"]["value"] == "spinbutton":
            parts.append(node["name"]["value"].split()[0])
        for child in node.get("childIds", []):
            walk(child)

    walk(field["nodeId"])
    return parts


@pytest.mark.parametrize(
    ("language", "width", "parts"),
    [("ko", 390, ["연도", "월", "일"]), ("en", 1280, ["Month", "Day", "Year"])],
)
def test_the_audit_logs_date_filter_reads_in_the_pages_language(
    browser_page, live_server, language, width, parts
):
    UserFactory(username="staff", is_staff=True)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "staff", PASSWORD)

    page.goto("/staff/audit/")

    assert _date_parts(page, "#id_since") == parts
    page.locator("form.filters").scroll_into_view_if_needed()
    screenshot(page, f"audit-log-date-filter-{language}-{width}")
