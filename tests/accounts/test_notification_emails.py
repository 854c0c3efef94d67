import datetime
import smtplib

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.utils import timezone

from accounts.models import Notification, NotificationKind, NotificationPreference
from accounts.notifications import notify
from accounts.tasks import send_notification_emails, send_pending_notification_emails
from config import celery_app

pytestmark = pytest.mark.django_db

REFUSING = "tests.accounts.email_backends.RefusingEmailBackend"


@pytest.fixture
def emailed_notification(alice):
    NotificationPreference.objects.create(user=alice, kind="idea_status", in_app=True, email=True)
    return notify(users=[alice], kind=NotificationKind.IDEA_STATUS, title="아이디어가 게시되었습니다")[0]


def test_a_failed_send_leaves_the_notification_for_the_retry(settings, emailed_notification, alice):
    settings.EMAIL_BACKEND = REFUSING

    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_notification_emails([emailed_notification.pk])

    failed = Notification.objects.get(pk=emailed_notification.pk)
    assert failed.emailed_at is None
    assert failed.email_claimed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notification_emails([emailed_notification.pk]) == 1

    assert [message.to for message in mail.outbox] == [[alice.email]]
    assert Notification.objects.get(pk=emailed_notification.pk).emailed_at is not None


def test_one_failed_address_does_not_hold_back_the_others(settings, alice, bob):
    settings.EMAIL_BACKEND = "tests.accounts.email_backends.RefusingInvalidDomainEmailBackend"
    bob.email = "bob@example.invalid"
    bob.save()
    for user in (alice, bob):
        NotificationPreference.objects.create(user=user, kind="idea_status", in_app=True, email=True)
    created = {
        n.user_id: n for n in notify(users=[alice, bob], kind=NotificationKind.IDEA_STATUS, title="소식")
    }

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_notification_emails([n.pk for n in created.values()])

    assert [message.to for message in mail.outbox] == [[alice.email]]
    assert Notification.objects.get(pk=created[alice.pk].pk).emailed_at is not None
    assert Notification.objects.get(pk=created[bob.pk].pk).emailed_at is None
    # The retry sends only what is left.
    bob.email = "bob@example.org"
    bob.save()
    assert send_notification_emails([n.pk for n in created.values()]) == 1
    assert [message.to for message in mail.outbox] == [[alice.email], ["bob@example.org"]]


def test_a_claim_of_a_worker_that_died_expires(settings, emailed_notification):
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    Notification.objects.filter(pk=emailed_notification.pk).update(email_claimed_at=long_ago)

    assert send_notification_emails([emailed_notification.pk]) == 1

    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=emailed_notification.pk).emailed_at is not None


def test_a_fresh_claim_is_left_to_its_worker(emailed_notification):
    Notification.objects.filter(pk=emailed_notification.pk).update(email_claimed_at=timezone.now())

    assert send_notification_emails([emailed_notification.pk]) == 0

    assert mail.outbox == []
    assert Notification.objects.get(pk=emailed_notification.pk).emailed_at is None


def _age(notification, seconds: float) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


@pytest.fixture
def eager_tasks():
    """The catch-up queues a task per batch; here each runs as a worker would, at once."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def test_a_copy_never_queued_is_sent_by_the_catch_up(emailed_notification, alice, eager_tasks):
    # As when the broker was down at commit: the row is there, no task ever ran for it.
    assert Notification.objects.get(pk=emailed_notification.pk).email_wanted
    _age(emailed_notification, 120)

    assert send_pending_notification_emails() == 1
    assert [message.to for message in mail.outbox] == [[alice.email]]
    # Sent and marked: the next catch-up finds nothing.
    assert send_pending_notification_emails() == 0
    assert len(mail.outbox) == 1


def test_a_copy_its_first_task_is_sending_is_not_sent_again(emailed_notification, eager_tasks):
    _age(emailed_notification, 120)
    Notification.objects.filter(pk=emailed_notification.pk).update(email_claimed_at=timezone.now())

    send_pending_notification_emails()

    assert mail.outbox == []


def test_the_catch_up_leaves_young_copies_to_their_own_task_and_old_news_alone(
    emailed_notification, eager_tasks
):
    assert send_pending_notification_emails() == 0

    _age(emailed_notification, 8 * 24 * 3600)
    assert send_pending_notification_emails() == 0
    assert mail.outbox == []


def test_the_catch_up_sends_nothing_no_one_asked_to_receive_by_email(alice, eager_tasks):
    (in_app_only,) = notify(users=[alice], kind=NotificationKind.IDEA_STATUS, title="소식")
    _age(in_app_only, 120)

    assert not Notification.objects.get(pk=in_app_only.pk).email_wanted
    assert send_pending_notification_emails() == 0
    assert mail.outbox == []


def test_a_send_out_of_time_stops_and_leaves_the_copy_for_the_retry(settings, emailed_notification):
    settings.EMAIL_BACKEND = "tests.accounts.email_backends.OutOfTimeEmailBackend"

    with pytest.raises(SoftTimeLimitExceeded):
        send_notification_emails([emailed_notification.pk])

    left = Notification.objects.get(pk=emailed_notification.pk)
    assert left.emailed_at is None and left.email_claimed_at is None
