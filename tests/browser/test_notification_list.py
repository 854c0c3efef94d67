"""The list of notifications reads down its titles: rows without bullets, apart from each other, an
unread one bold with a dot before it, a read one in the text's own weight."""

import pytest

from accounts.models import Notification, NotificationKind
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = [("ko", 390), ("en", 1280)]

ROWS = """() => [...document.querySelectorAll("ul.notification-list > li")].map((li) => {
  const title = li.firstElementChild;
  const time = li.querySelector("time");
  const dot = getComputedStyle(li, "::before");
  return {
    text: title.innerText,
    bullet: getComputedStyle(li).listStyleType,
    weight: parseInt(getComputedStyle(title.querySelector("a") || title).fontWeight, 10),
    dot: dot.content !== "none" && parseFloat(dot.width) > 0 && dot.backgroundColor !== "rgba(0, 0, 0, 0)",
    top: title.getBoundingClientRect().top,
    bottom: time.getBoundingClientRect().bottom,
  };
})"""


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_notifications_are_rows_apart_and_unread_ones_stand_out(browser_page, live_server, language, width):
    minji = UserFactory(username="minji", preferred_language=language)
    for n in range(3):
        Notification.objects.create(
            user=minji,
            kind=NotificationKind.IDEA_STATUS,
            title=f"“주말에 아이랑 갈 만한 전시·공연을 한눈에 알고 싶어요 {n}” 아이디어가 "
            "매칭됨 상태로 바뀌었습니다.",
            link="/ideas/",
            read_at="2026-01-01T00:00Z",
        )
    for n in range(3):
        Notification.objects.create(
            user=minji,
            kind=NotificationKind.NEW_COMMENT,
            title=f"정하은님이 내 아이디어 “잃어버린 강아지를 찾을 방법이 전단지 붙이는 것뿐이에요 {n}”에 "
            "댓글을 남겼습니다",
            link="/ideas/",
        )
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "minji", PASSWORD)

    page.goto("/me/notifications/")
    screenshot(page, f"notification-list-{language}-{width}")
    rows = page.evaluate(ROWS)

    assert len(rows) == 6
    assert {row["bullet"] for row in rows} == {"none"}
    unread, read = rows[:3], rows[3:]  # newest first
    assert all(row["weight"] >= 600 and row["dot"] for row in unread), unread
    assert all(row["weight"] == 400 and not row["dot"] for row in read), read
    # Room between one notification's time and the next one's title, more than between its lines.
    assert all(after["top"] - before["bottom"] >= 20 for before, after in zip(rows, rows[1:], strict=False))
