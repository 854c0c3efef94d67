from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded


@shared_task(autoretry_for=(Exception,), retry_backoff=10, max_retries=5, acks_late=True)
def send_written_email(address: str, subject: str, text: str) -> None:
    """A mail written in full where it was asked for (what it tells may be gone by the time a
    worker runs), sent here: a slow or failing mail server neither holds the page nor loses the
    mail, which is retried."""
    from django.core.mail import send_mail

    send_mail(subject, text, None, [address])


@shared_task(autoretry_for=(Exception,), retry_backoff=10, max_retries=5, acks_late=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email copies of notifications, each claimed, sent, then marked emailed.

    A claim keeps two workers running the same task from both sending; a failed send releases
    its claim and the task is retried, and the claim of a worker that died expires, so an email
    is never lost for having been tried once. A notification already emailed is skipped, so a
    retry or a redelivery never sends it twice."""
    import datetime

    from django.conf import settings
    from django.core.mail import send_mail
    from django.db.models import Q
    from django.utils import timezone, translation

    from .models import Notification

    # No task runs longer than its hard time limit, so an older claim is a dead worker's.
    claim_expiry = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    sent = 0
    failure: Exception | None = None
    for notification in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("user"):
        claimed_at = timezone.now()
        claimed = (
            Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True)
            .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=claimed_at - claim_expiry))
            .update(email_claimed_at=claimed_at)
        )
        if not claimed:
            continue
        try:
            with translation.override(notification.user.preferred_language):
                body = notification.body
                if notification.link:
                    body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.link}"
                send_mail(notification.title, body, None, [notification.user.email])
        except Exception as error:
            Notification.objects.filter(pk=notification.pk, email_claimed_at=claimed_at).update(
                email_claimed_at=None
            )
            if isinstance(error, SoftTimeLimitExceeded):
                raise  # out of time: what is left goes to the retry, not on sending past the limit
            # The others are still sent; the retry then finds only the ones that failed.
            failure = failure or error
            continue
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    if failure is not None:
        raise failure
    return sent


# Younger notifications are left to the task queued when they were made.
PENDING_EMAIL_GRACE = 60
# An email copy this old is news no longer; it stays in the app.
PENDING_EMAIL_MAX_AGE_DAYS = 7
# Each batch is a task of its own, with its own time limit and retries.
PENDING_EMAIL_BATCH = 100


@shared_task(ignore_result=True)
def send_pending_notification_emails() -> int:
    """Queue the email copies still unsent: queued while the broker was down, or given up after
    every retry. Returns how many were queued. The claims in `send_notification_emails` keep a
    copy from being sent twice when its first task is still running."""
    import datetime

    from django.utils import timezone

    from .models import Notification

    now = timezone.now()
    pending = list(
        Notification.objects.filter(
            email_wanted=True,
            emailed_at__isnull=True,
            user__is_active=True,
            created_at__lte=now - datetime.timedelta(seconds=PENDING_EMAIL_GRACE),
            created_at__gte=now - datetime.timedelta(days=PENDING_EMAIL_MAX_AGE_DAYS),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(pending), PENDING_EMAIL_BATCH):
        send_notification_emails.delay(pending[start : start + PENDING_EMAIL_BATCH])
    return len(pending)


@shared_task(autoretry_for=(Exception,), retry_backoff=10, max_retries=5, acks_late=True)
def send_password_reset_email(*, user_id: int, context: dict, language: str | None = None) -> None:
    """The reset mail, rendered and given its one-time link here rather than in the request: a
    slow or failing mail server neither holds the page nor loses the mail, and the link never
    waits in the broker. `context` holds the page's part (address, site), nothing secret. The
    mail is in the language the account's owner chose; `language`, the page's, is still sent
    by tasks queued before that and is ignored, so those mails are not lost to a refused call."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils import translation
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .forms import send_password_reset
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    with translation.override(user.preferred_language):
        send_password_reset(
            user=user,
            context={
                **context,
                "user": user,
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
