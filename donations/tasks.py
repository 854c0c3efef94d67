"""Data donation's background work: deleting what is past its retention."""

from celery import shared_task

# Seconds. A run deletes at most RETENTION_DONORS_PER_RUN donors' rows, a few seconds' work;
# past these something is stuck, and the next hourly run picks up where this one stopped.
RETENTION_SOFT_TIME_LIMIT = 300
RETENTION_TIME_LIMIT = 360


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=3,
    acks_late=True,
    soft_time_limit=RETENTION_SOFT_TIME_LIMIT,
    time_limit=RETENTION_TIME_LIMIT,
)
def donations_delete_expired() -> dict[str, int]:
    """Runs periodically (celery beat). Safe to run twice or at once on two workers: each donor's
    expired rows are locked before they are deleted and their deletion recorded."""
    from .services import donations_delete_expired as delete_expired

    return delete_expired().as_dict()
