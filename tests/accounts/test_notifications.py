import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Notification, NotificationKind, NotificationPreference
from accounts.notifications import notify, notify_in_their_language
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
