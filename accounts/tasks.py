from celery import shared_task


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
PENDING_EMAIL_BATCH = 500


@shared_task(ignore_result=True)
def send_pending_notification_emails() -> int:
    """Send the email copies still unsent: queued while the broker was down, or given up after
    every retry. Claims keep this from doubling a send another worker is making."""
    import datetime

    from django.utils import timezone

    from .models import Notification

    now = timezone.now()
    pending = list(
        Notification.objects.filter(
            email_wanted=True,
            emailed_at__isnull=True,
            created_at__lte=now - datetime.timedelta(seconds=PENDING_EMAIL_GRACE),
            created_at__gte=now - datetime.timedelta(days=PENDING_EMAIL_MAX_AGE_DAYS),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    sent = 0
    for start in range(0, len(pending), PENDING_EMAIL_BATCH):
        sent += send_notification_emails(pending[start : start + PENDING_EMAIL_BATCH])
    return sent


@shared_task(autoretry_for=(Exception,), retry_backoff=10, max_retries=5, acks_late=True)
def send_email(subject: str, body: str, to: list[str]) -> None:
    """A message rendered in the request (in the reader's language), sent off the request."""
    from django.core.mail import send_mail

    send_mail(subject, body, None, to)
