from celery import shared_task


@shared_task(autoretry_for=(Exception,), retry_backoff=10, max_retries=5, acks_late=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email copies of notifications; a notification already emailed is skipped, so a retry or a
    redelivery never sends twice."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import timezone, translation

    from .models import Notification

    sent = 0
    for notification in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("user"):
        # Claim the row first: two workers running the same task must not both send.
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        with translation.override(notification.user.preferred_language):
            body = notification.body
            if notification.link:
                body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.link}"
            send_mail(notification.title, body, None, [notification.user.email])
        sent += 1
    return sent
