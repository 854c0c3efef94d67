import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Notification, NotificationKind, NotificationPreference
from accounts.notifications import (
    ToldElsewhere,
    notifications_drop_lines,
    notifications_of_deleted_pages,
    notify,
    notify_in_their_language,
    strong_matches_recounted,
)
from accounts.tasks import send_notification_emails
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notifications_are_listed_and_marked_read(api, alice):
    first, second = (
        notify(users=[alice], kind=NotificationKind.IDEA_STATUS, title=t)[0] for t in ("하나", "둘")
    )

    listing = api(alice).get("/api/v1/notifications/?unread=true").json()
    marked = api(alice).post("/api/v1/notifications/read/", {"ids": [first.pk]}).json()

    assert [row["title"] for row in listing["results"]] == ["둘", "하나"]
    assert marked == {"marked": 1}
    assert [
        row["title"] for row in api(alice).get("/api/v1/notifications/?unread=true").json()["results"]
    ] == ["둘"]
    assert api(alice).post("/api/v1/notifications/read/", {}).json() == {"marked": 1}


def test_a_user_never_sees_someone_elses_notifications(api, alice, bob):
    notify(users=[alice], kind=NotificationKind.IDEA_STATUS, title="앨리스에게")

    assert api(bob).get("/api/v1/notifications/").json()["count"] == 0
    assert api().get("/api/v1/notifications/").status_code == 403


def test_preferences_choose_in_app_and_email_per_kind(api, alice):
    defaults = api(alice).get("/api/v1/notifications/preferences/").json()
    assert {row["kind"] for row in defaults} == set(NotificationKind.values)
    assert all(row["in_app"] and not row["email"] for row in defaults)

    saved = api(alice).put(
        "/api/v1/notifications/preferences/",
        [
            {"kind": "pilot_update", "in_app": False, "email": True},
            {"kind": "idea_status", "in_app": False, "email": False},
        ],
        format="json",
    )

    assert saved.status_code == 200
    assert NotificationPreference.objects.get(user=alice, kind="pilot_update").email is True
    assert notify(users=[alice], kind=NotificationKind.IDEA_STATUS, title="꺼진 알림") == []
    emailed = notify(users=[alice], kind=NotificationKind.PILOT_UPDATE, title="실증 소식")
    assert emailed[0].read_at is not None  # email only: nothing unread in the app


def test_unknown_kind_is_refused_with_the_field_named(api, alice):
    response = api(alice).put(
        "/api/v1/notifications/preferences/",
        [{"kind": "gossip", "in_app": True, "email": False}],
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["0.kind"]


def test_emails_are_sent_once_in_the_users_language(alice):
    alice.preferred_language = "en"
    alice.save()
    NotificationPreference.objects.create(user=alice, kind="idea_status", in_app=True, email=True)
    notification = notify(
        users=[alice], kind=NotificationKind.IDEA_STATUS, title="Your idea was published", link="/ideas/1/"
    )[0]

    assert send_notification_emails([notification.pk]) == 1
    assert send_notification_emails([notification.pk]) == 0  # a redelivered task sends nothing twice

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.email]
    assert mail.outbox[0].body.endswith("/ideas/1/")
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None


def test_the_actor_is_not_notified_of_their_own_action(alice):
    bob = UserFactory()

    created = notify(users=[alice, bob], kind=NotificationKind.IDEA_STATUS, title="변경", exclude=alice)

    assert [n.user for n in created] == [bob]


def test_each_recipient_reads_it_in_their_language_worded_once_per_language(alice):
    bob, dana = UserFactory(preferred_language="en"), UserFactory(preferred_language="en")
    worded_in = []

    def title():
        worded_in.append(translation.get_language())
        return gettext("Notifications")

    created = notify_in_their_language(
        users=[alice, bob, dana, bob], kind=NotificationKind.IDEA_STATUS, title=title, link="/me/"
    )

    assert sorted(worded_in) == ["en", "ko"]
    assert {n.user.username: n.title for n in created} == {
        alice.username: "알림",
        bob.username: "Notifications",
        dana.username: "Notifications",
    }


# --- What deleting a page leaves of what others were told ------------------------------------


def _deleted(language: str) -> str:
    return {"ko": "삭제된 아이디어", "en": "A deleted idea"}[language]


def test_the_notifications_of_many_deleted_pages_are_found_in_one_pass(bob, django_assert_num_queries):
    """Closing an account deletes each of the person's ideas at once: one read of the table for all
    of them (it has no index on links), one write."""
    for number in range(1, 6):
        Notification.objects.create(
            user=bob,
            kind=NotificationKind.IDEA_STATUS,
            title=f"“아이디어 {number}”",
            link=f"/ideas/{number}/",
        )
    Notification.objects.create(
        user=bob, kind=NotificationKind.NEW_COMMENT, title="댓글", body="좋아요", link="/ideas/3/#comment-9"
    )
    another = Notification.objects.create(
        user=bob, kind=NotificationKind.IDEA_STATUS, title="“아이디어 30”", link="/ideas/30/"
    )

    with django_assert_num_queries(2):
        changed = notifications_of_deleted_pages(
            links=[f"/ideas/{number}/" for number in range(1, 6)], title=_deleted
        )

    assert changed == 6
    assert set(Notification.objects.exclude(pk=another.pk).values_list("title", "body", "link")) == {
        ("삭제된 아이디어", "", "")
    }
    another.refresh_from_db()
    assert (another.title, another.link) == ("“아이디어 30”", "/ideas/30/")


def test_what_told_of_a_deleted_page_at_another_is_found_by_how_it_opens(bob, carol):
    carol.preferred_language = "en"
    carol.save(update_fields=["preferred_language"])
    told = [
        Notification.objects.create(
            user=user, kind=NotificationKind.IDEA_STATUS, title=title, link="/ideas/7/"
        )
        for user, title in (
            (bob, "“정류장” 아이디어가 “버스”에 병합"),
            (carol, "“정류장” merged into “버스”"),
        )
    ]
    others = [
        Notification.objects.create(
            user=bob, kind=NotificationKind.IDEA_STATUS, title=title, link="/ideas/7/"
        )
        for title in ("“버스” 아이디어가 공개", "“정류장 2” 아이디어가 “버스”에 병합")
    ] + [
        Notification.objects.create(user=bob, kind=NotificationKind.IDEA_STATUS, title="“정류장” 아이디어가")
    ]

    notifications_of_deleted_pages(
        links=[],
        title=_deleted,
        told_elsewhere=[
            ToldElsewhere(
                kind=NotificationKind.IDEA_STATUS,
                link="/ideas/7/",
                opening=lambda language: {"ko": "“정류장” 아이디어가", "en": "“정류장” merged"}[language],
            )
        ],
    )

    assert [Notification.objects.get(pk=n.pk).title for n in told] == ["삭제된 아이디어", "A deleted idea"]
    assert [Notification.objects.get(pk=n.pk).title for n in others] == [n.title for n in others]


def test_a_deleted_ideas_line_goes_from_lists_written_since_it_could_be_in_them(bob, carol, dave):
    since = timezone.now()
    listing = Notification.objects.create(
        user=bob,
        kind=NotificationKind.STRONG_MATCH,
        title="빛고을에 새로운 강한 매칭이 3건 있습니다",
        body="공원 조명\n버스 도착 알림\n버스 도착 알림 앱",
    )
    untouched = [
        # The one who deleted it keeps what they were told as it was.
        Notification.objects.create(user=carol, kind=NotificationKind.STRONG_MATCH, body="버스 도착 알림"),
        # Another kind, and a list written before the idea could be matched, name something else.
        Notification.objects.create(user=dave, kind=NotificationKind.NEW_INTEREST, body="버스 도착 알림"),
        Notification.objects.create(user=dave, kind=NotificationKind.STRONG_MATCH, body="버스 도착 알림"),
    ]
    Notification.objects.filter(pk=untouched[-1].pk).update(created_at=since - datetime.timedelta(days=1))

    changed = notifications_drop_lines(
        kind=NotificationKind.STRONG_MATCH,
        lines=[("버스 도착 알림", since), ("정류장 안내판", since)],
        exclude_user_id=carol.pk,
    )

    assert changed == 1
    listing.refresh_from_db()
    assert (listing.title, listing.body) == (
        "빛고을에 새로운 강한 매칭이 2건 있습니다",
        "공원 조명\n버스 도착 알림 앱",
    )
    assert [Notification.objects.get(pk=n.pk).body for n in untouched] == ["버스 도착 알림"] * 3


@pytest.mark.parametrize(
    ("title", "fewer", "recounted"),
    [
        ("빛고을에 새로운 강한 매칭이 3건 있습니다", 1, "빛고을에 새로운 강한 매칭이 2건 있습니다"),
        ("빛고을에 새로운 강한 매칭이 1건 있습니다", 1, None),
        ("12 new strong matches for Gwangju AI", 2, "10 new strong matches for Gwangju AI"),
        ("2 new strong matches for Gwangju AI", 1, "1 new strong match for Gwangju AI"),
        ("1 new strong match for Gwangju AI", 1, None),
        # Words of no language the site speaks: nothing to count by.
        ("Three new matches", 1, "Three new matches"),
    ],
)
def test_a_strong_match_title_is_recounted_in_its_own_language(title, fewer, recounted):
    with translation.override("ko"):
        assert strong_matches_recounted(title, fewer) == recounted
