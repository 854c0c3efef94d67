"""My page on a phone and a desktop, in Korean and English: a volunteer finds their pilots just
after their own ideas, then three notifications, the unread first, with a link to all of them,
rather than ten notifications pushing everything else screens down."""

import pytest

from accounts.models import Notification, NotificationKind
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.pilots.factories import PilotFactory, VolunteerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEE_ALL = {"ko": "전체 알림 보기 (12개)", "en": "See all 12 notifications"}


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_a_volunteer_sees_their_pilots_then_three_notifications(browser_page, live_server, language, width):
    minji = UserFactory(username="minji", preferred_language=language)
    pilot = PilotFactory(stage="recruiting", title="서구 복약 알림 실증")
    VolunteerFactory(user=minji, pilot=pilot)
    for n in range(12):
        Notification.objects.create(
            user=minji,
            kind=NotificationKind.IDEA_STATUS,
            title=f"“버스 정류장 안내 화면을 달아 주세요 {n}” 아이디어가 매칭됨 상태로 바뀌었습니다.",
            link="/ideas/",
            read_at=None if n == 0 else "2026-01-01T00:00Z",
        )
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "minji", PASSWORD)

    page.goto("/me/")
    screenshot(page, f"my-page-volunteer-{language}-{width}")

    rows = page.locator("ul.notification-list > li")
    assert rows.count() == 3
    assert "정류장 안내 화면을 달아 주세요 0”" in rows.first.inner_text()  # the oldest, but unread
    see_all = page.get_by_role("link", name=SEE_ALL[language])
    assert see_all.is_visible() and see_all.get_attribute("href") == "/me/notifications/"
    pilot_link = page.locator(f"#my-pilots + ul a[href='/pilots/{pilot.pk}/']")
    assert pilot_link.bounding_box()["y"] < rows.first.bounding_box()["y"]
    # The page a volunteer with twelve notifications gets, ten of them shown, was 4,700 px on a phone.
    assert page.evaluate("document.documentElement.scrollHeight") < (2600 if width < 600 else 2100)
