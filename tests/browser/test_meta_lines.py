"""The line under a card's title (status · category · district · date, or a pilot's stage, district
and venue) wraps between its items, never inside one that fits on a line: "Gwangsan-gu" does not
end a line at its hyphen, nor a date between its words, at any width of the window."""

from io import StringIO

import pytest
from django.core.management import call_command

from ideas.models import Idea, IdeaStatus
from pilots.models import Pilot, PilotStage
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each item of every meta line (the text between two " · "), measured as the browser lays it
# out: an item drawn over two lines although it is narrower than the line was cut inside.
CUT_ITEMS = """() => {
  const cut = [];
  for (const line of document.querySelectorAll("main .meta")) {
    if (!line.textContent.includes(" · ")) continue;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    const pieces = [];
    let at = 0;
    while (walker.nextNode()) {
      pieces.push({node: walker.currentNode, start: at});
      at += walker.currentNode.textContent.length;
    }
    const text = line.textContent;
    const room = line.clientWidth;
    let start = 0;
    for (const item of text.split(" · ")) {
      const from = start + (item.length - item.trimStart().length);
      const to = start + item.trimEnd().length;
      start += item.length + 3;
      const rects = [];
      for (const {node, start: nodeStart} of pieces) {
        const nodeEnd = nodeStart + node.textContent.length;
        if (nodeEnd <= from || nodeStart >= to) continue;
        const range = document.createRange();
        range.setStart(node, Math.max(from, nodeStart) - nodeStart);
        range.setEnd(node, Math.min(to, nodeEnd) - nodeStart);
        rects.push(...[...range.getClientRects()].filter((r) => r.width > 0));
      }
      rects.sort((a, b) => a.top - b.top);
      let lines = 0;
      let bottom = -Infinity;
      for (const rect of rects) {
        if (rect.top >= bottom - 2) { lines += 1; }
        bottom = Math.max(bottom, rect.bottom);
      }
      const width = rects.reduce((sum, r) => sum + r.width, 0);
      if (lines > 1 && width < room - 2) cut.push(text.slice(from, to));
    }
  }
  return cut;
}"""

WIDTHS = [*range(320, 481, 6), *range(640, 1281, 40)]


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.parametrize("language", ["ko", "en"])
def test_no_meta_item_is_cut_over_two_lines_at_any_width(browser_page, live_server, demo, language):
    idea = Idea.objects.filter(status=IdeaStatus.PUBLISHED).order_by("-pk").first()
    # The Gwangsan-gu bus stops: a long venue, beside the longest district name.
    pilot = Pilot.objects.filter(stage=PilotStage.EVALUATING).exclude(venue="").order_by("pk").first()
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    cut = {}
    for name, url in [
        ("home", "/"),
        ("idea-list", "/ideas/"),
        ("idea", f"/ideas/{idea.pk}/"),
        ("pilot-list", "/pilots/"),
        ("pilot", f"/pilots/{pilot.pk}/"),
    ]:
        page.set_viewport_size({"width": 390, "height": 900})
        assert page.goto(url).ok, url
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if items := page.evaluate(CUT_ITEMS):
                cut.setdefault(url, {})[width] = items
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(page, f"meta-lines-{name}-{language}-{width}")
    assert not cut, f"meta items cut over two lines: {cut}"
