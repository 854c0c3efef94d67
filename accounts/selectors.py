"""Accounts' reads."""

from django.db.models import QuerySet

from .models import AuditEntry, Notification, User

# What the audit log can be narrowed to.
AUDIT_FILTERS = ("target_type", "target_id", "action")


def audit_entry_list(**filters: str | int) -> QuerySet[AuditEntry]:
    """Staff actions, newest first, optionally only those of one target or one kind of action."""
    entries = AuditEntry.objects.select_related("actor")
    return entries.filter(**{field: value for field, value in filters.items() if field in AUDIT_FILTERS})


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = user.notifications.all()
    return notifications.filter(read_at__isnull=True) if unread_only else notifications
