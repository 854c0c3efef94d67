"""Lines break between words, never inside one: Korean words (which a browser otherwise cuts
between any two syllables), dates and times, and the short headers of a narrow table column. A
string too long for any line (an address) is still cut rather than pushed out of the page."""

from io import StringIO

import pytest
from django.core.management import call_command

from dashboard.management.commands.seed_demo import DEMO_PASSWORD
from ideas.models import Idea, IdeaStatus
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each word of the page's main text (and each date) in a span of its own; a span drawn as more
# than one box runs over two lines: the word was cut. Words longer than a line may be cut, and a
# line may end after a hyphen or a slash ("U-/Square"), or on either side of a middle dot, which
# joins two words ("건강·의료").
SPLIT_WORDS = """() => {
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const skipped = node.parentElement.closest("script, style, option, textarea, .visually-hidden");
    if (node.textContent.trim() && !skipped) {
      nodes.push(node);
    }
  }
  const spans = [];
  for (const node of nodes) {
    const fragment = document.createDocumentFragment();
    for (const part of node.textContent.split(/( +|(?<=[-·/])|(?=·))/)) {
      if (!part.trim()) { fragment.append(part); continue; }
      const span = document.createElement("span");
      span.textContent = part;
      fragment.append(span);
      spans.push(span);
    }
    node.replaceWith(fragment);
  }
  return spans.filter((span) => {
    const boxes = [...span.getClientRects()].filter((r) => r.width > 0);
    const lines = new Set(boxes.map((r) => Math.round(r.top)));
    return lines.size > 1 && span.textContent.length < 25;
  }).map((span) => span.textContent);
}"""

NARROW_TABLE = """() => {
  const box = document.createElement("div");
  box.style.width = "240px";
  box.innerHTML = `<table class="records"><thead><tr><th>Row</th><th>Registered</th><th>Measured</th>
    <th>Systolic</th><th>Diastolic</th></tr></thead><tbody><tr><td>1</td><td>2</td><td>3</td><td>4</td>
    <td>5</td></tr></tbody></table>
    <p id="long-address">https://ai-ideas.gwangju.kr/ideas/12345/comments/67890/replies/?page=2&amp;order=newest</p>`;
  document.querySelector("main").prepend(box);
  const cut = [...box.querySelectorAll("th")].filter((th) => th.getClientRects().length
    && Math.round(th.getBoundingClientRect().height) > 2 * parseFloat(getComputedStyle(th).lineHeight));
  const address = box.querySelector("#long-address");
  return {cut: cut.map((th) => th.textContent), overflows: address.scrollWidth > address.clientWidth + 1};
}"""


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280), ("en", 390)])
def test_no_word_or_date_is_cut_over_two_lines(browser_page, live_server, demo, language, width):
    idea = Idea.objects.filter(status=IdeaStatus.PUBLISHED).order_by("-pk").first()
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "staff", DEMO_PASSWORD)
    cut = {}
    for name, url in [
        ("home", "/"),
        ("idea", f"/ideas/{idea.pk}/"),
        ("pilot-list", "/pilots/"),
        ("moderation", "/staff/moderation/"),
        ("audit-log", "/staff/audit/"),
    ]:
        page.goto(url)
        # A closed fold's text has no width to lay out in, and is read once opened: it is checked
        # open (the moderation queue's reject and revise forms, an idea's whole text).
        page.evaluate("() => document.querySelectorAll('main details').forEach((d) => { d.open = true; })")
        screenshot(page, f"line-breaks-{name}-{language}-{width}")
        if words := page.evaluate(SPLIT_WORDS):
            cut[url] = words
    assert not cut, f"words cut over two lines: {cut}"


def test_a_narrow_table_keeps_its_headers_whole_and_a_long_address_inside(browser_page):
    page = browser_page
    page.goto("/accounts/login/")

    found = page.evaluate(NARROW_TABLE)

    assert found == {"cut": [], "overflows": False}
