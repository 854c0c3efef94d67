"""On a phone a similar idea's title often takes two lines: its bullet stands by the first line,
where the title starts, not by the last."""

import pytest

from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A row as the form's script draws it (a link with the title), after a zero-width probe that sits
# on the row's first baseline, where the list draws its bullet.
LONG_ROW = """() => {
  document.getElementById("similar").classList.add("has-results");
  const row = document.createElement("li");
  const probe = document.createElement("span");
  probe.textContent = "\\u200b";
  const link = document.createElement("a");
  link.href = "/ideas/1/";
  link.textContent = "버스가 언제 오는지 몰라 추운 데서 한참 기다려요, 정류장에 안내판이 없어요";
  row.append(probe, link);
  document.getElementById("similar-ideas").append(row);
  const lineHeight = parseFloat(getComputedStyle(link).lineHeight);
  const box = link.getBoundingClientRect();
  return {bullet: probe.getBoundingClientRect().bottom, top: box.top, bottom: box.bottom, lineHeight};
}"""


def test_a_two_line_title_has_its_bullet_by_its_first_line(browser_page):
    UserFactory(username="minji")
    log_in(browser_page, "minji", PASSWORD)
    browser_page.goto("/ideas/new/")

    row = browser_page.evaluate(LONG_ROW)

    assert row["bottom"] - row["top"] > 1.5 * row["lineHeight"]  # the title does take two lines
    assert row["bullet"] < row["top"] + 1.5 * row["lineHeight"]


# A one-line title: its text, measured by a range over its words (not the link's box, which
# counts its padding), beside the probe that stands where the bullet is drawn.
SHORT_ROW = """() => {
  document.getElementById("similar").classList.add("has-results");
  const row = document.createElement("li");
  const probe = document.createElement("span");
  probe.textContent = "\\u200b";
  const link = document.createElement("a");
  link.href = "/ideas/1/";
  link.textContent = "횡단보도 신호가 짧아요";
  row.append(probe, link);
  document.getElementById("similar-ideas").append(row);
  const range = document.createRange();
  range.selectNodeContents(link);
  const text = range.getClientRects()[0];
  return {bullet: probe.getBoundingClientRect().bottom, text: text.bottom};
}"""


def test_a_one_line_title_sits_level_with_its_bullet(browser_page):
    UserFactory(username="minji")
    log_in(browser_page, "minji", PASSWORD)
    browser_page.goto("/ideas/new/")

    row = browser_page.evaluate(SHORT_ROW)

    assert abs(row["bullet"] - row["text"]) <= 1
