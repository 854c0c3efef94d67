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
