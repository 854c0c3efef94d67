"""Accounts' reads."""

from django.db.models import QuerySet

from .models import AuditEntry


def audit_entry_list() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor")
