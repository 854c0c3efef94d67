"""Accounts' reads."""

from django.db.models import QuerySet

from .models import AuditEntry, Notification, User


# What the audit log can be narrowed to.
def audit_entry_list(
    *, target_type: str | None = None, target_id: int | None = None, action: str | None = None
) -> QuerySet[AuditEntry]:
    """Staff actions, newest first, optionally only those of one target or one kind of action."""
    filters = {"target_type": target_type, "target_id": target_id, "action": action}
    entries = AuditEntry.objects.select_related("actor")
    return entries.filter(**{field: value for field, value in filters.items() if value is not None})


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = user.notifications.all()
    return notifications.filter(read_at__isnull=True) if unread_only else notifications
