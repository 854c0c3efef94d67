"""Accounts' reads."""

from datetime import date
from typing import Any

from django.db.models import QuerySet

from .models import AuditEntry, Notification, User


def audit_entry_list(
    *,
    target_type: str | None = None,
    target_id: int | None = None,
    action: str | None = None,
    actor: User | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """Staff actions, newest first, optionally only those of one target, one kind of action, one
    staff member, or days from `since` to `until` (both included, in the site's time zone)."""
    filters = {
        "target_type": target_type,
        "target_id": target_id,
        "action": action,
        "actor": actor,
        "created_at__date__gte": since,
        "created_at__date__lte": until,
    }
    entries = AuditEntry.objects.select_related("actor")
    return entries.filter(**{field: value for field, value in filters.items() if value is not None})


def audit_actors() -> QuerySet[User]:
    """The people who appear in the audit log: staff now, and people who were staff once."""
    return User.objects.filter(audit_entries__isnull=False).distinct().order_by("display_name", "username")


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = user.notifications.all()
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def user_memberships(*, user: User) -> list[Any]:
    """The user's company memberships with their companies, read once per user object (that is,
    per request): the menu on every page lists them, and a company's pages ask whether the
    reader is one of its members."""
    found = getattr(user, "_memberships", None)
    if found is None:
        found = list(user.memberships.select_related("company"))
        user._memberships = found  # type: ignore[attr-defined]
    return found
