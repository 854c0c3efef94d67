"""My page shows three notifications, the unread first, and links to all of them, on a page of
their own, after a volunteer's pilots and consents; "Mark all as read" marks every one, shown or
not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification, NotificationKind
from tests.pilots.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

ALL_PAGE = "/me/notifications/"


def _notify(user, count: int, *, read: bool = False) -> list[Notification]:
    """Notifications numbered oldest first ("알림 01" is the oldest), each later than the last."""
    notifications = [
        Notification.objects.create(user=user, kind=NotificationKind.NEW_COMMENT, title=f"알림 {n:02}")
        for n in range(1, count + 1)
    ]
    if read:
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(read_at="2026-01-01T00:00Z")
    return notifications


def _page(client, user, path: str = "/me/", language: str = "ko") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(path).content.decode()


def test_my_page_shows_the_latest_three_and_links_to_all_with_their_number(client, alice):
    _notify(alice, 12, read=True)

    korean = _page(client, alice)
    english = _page(client, alice, language="en")

    assert korean.index("알림 12") < korean.index("알림 11") < korean.index("알림 10")
    assert not any(f"알림 {n:02}" in korean for n in range(1, 10))
    assert f'<a href="{ALL_PAGE}">전체 알림 보기 (12개)</a>' in korean
    assert f'<a href="{ALL_PAGE}">See all 12 notifications</a>' in english


def test_my_page_shows_the_unread_first_then_the_newest(client, alice):
    older_unread = _notify(alice, 2)
    _notify(alice, 5, read=True)
    Notification.objects.filter(pk__in=[n.pk for n in older_unread]).update(title="읽지 않은 알림")

    page = _page(client, alice)
    shown = page[page.index('<ul class="notification-list">') :]
    shown = shown[: shown.index("</ul>")]

    # The two unread (older than every read one), then the newest read one; the rest on the list.
    assert shown.count("읽지 않은 알림") == 2 and shown.count('class="unread"') == 2
    assert shown.count("<li>") == 3 and "알림 05" in shown and "알림 04" not in shown
    assert f'<a href="{ALL_PAGE}">전체 알림 보기 (7개)</a>' in page


def test_my_page_offers_no_link_to_all_when_it_shows_them_all(client, alice):
    _notify(alice, 3)

    page = _page(client, alice)

    assert all(f"알림 {n:02}" in page for n in range(1, 4))
    assert ALL_PAGE not in page


def test_a_volunteers_pilots_and_consents_come_before_the_notifications(client, alice):
    volunteer = VolunteerFactory(user=alice)
    _notify(alice, 12)

    for language in ("ko", "en"):
        page = _page(client, alice, language=language)
        pilots, notifications = page.index('id="my-pilots"'), page.index('<ul class="notification-list">')
        assert pilots < page.index(f'href="/pilots/{volunteer.pilot_id}/"') < notifications


def test_unread_notifications_are_marked_as_such_on_both_pages(client, alice):
    read, unread = _notify(alice, 1, read=True)[0], _notify(alice, 1)[0]
    unread.title = "읽지 않은 알림"
    unread.link = "/ideas/"
    unread.save()

    marked = (
        '<span class="unread"><span class="visually-hidden">Unread: </span>'
        '<a href="/ideas/">읽지 않은 알림</a></span>'
    )
    for path in ("/me/", ALL_PAGE):
        page = _page(client, alice, path, language="en")
        assert marked in page
        # Read, and about something since deleted: plain text, not a link to the top of the page.
        assert f"<li><span>{read.title}</span>" in page and 'href="#"' not in page


def test_the_all_page_lists_every_notification_newest_first_fifty_a_page(client, alice, bob):
    _notify(alice, 55)
    Notification.objects.create(user=bob, kind=NotificationKind.NEW_COMMENT, title="밥의 알림")

    first = _page(client, alice, ALL_PAGE)
    second = _page(client, alice, f"{ALL_PAGE}?page=2")

    assert first.index("알림 55") < first.index("알림 54") < first.index("알림 06")
    assert "알림 05" not in first and 'href="?page=2"' in first
    assert all(f"알림 {n:02}" in second for n in range(1, 6)) and "알림 06" not in second
    assert "밥의 알림" not in first + second
    assert 'href="/me/"' in first  # back to My page


def test_the_all_page_is_for_the_signed_in_only(client):
    response = client.get(ALL_PAGE)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/me/", ALL_PAGE])
def test_mark_all_as_read_marks_those_not_shown_too(client, alice, bob, path):
    _notify(alice, 60)
    _notify(bob, 1)
    client.force_login(alice)

    response = client.post(path, follow=True)

    assert response.redirect_chain == [(path, 302)]
    assert "모든 알림을 읽음으로 표시했습니다." in response.content.decode()
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=bob, read_at__isnull=True).count() == 1


def _queries(client, user, path: str) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/me/", ALL_PAGE])
def test_the_number_of_queries_does_not_grow_with_the_notifications(
    client, alice, bob, path, django_assert_max_num_queries
):
    for user, count in ((alice, 1), (bob, 80)):
        _notify(user, count)
        VolunteerFactory(user=user)
    few = _queries(client, alice, path)

    client.force_login(bob)
    with django_assert_max_num_queries(few):
        client.get(path)
