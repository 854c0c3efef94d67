"""The staff audit log: every curation service records what it changed."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from django.db import models

from .models import AuditAction, AuditEntry, User


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """The given fields of a row, as JSON-friendly values."""
    values = {}
    for field in fields:
        value = getattr(instance, field)
        values[field] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def audit_record(
    *,
    actor: User,
    action: AuditAction,
    target: models.Model,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    if action not in AuditAction.values:
        # An action without a label would show staff its code; name it in AuditAction first.
        raise ValueError(f"Unknown audit action {action!r}.")
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        # Every concrete model has a name; only the stubs allow for None.
        target_type=cast(str, target._meta.model_name),
        target_id=target.pk,
        target_label=str(target)[:200],
        before=before or {},
        after=after or {},
    )


@contextmanager
def audited(
    *,
    actor: User,
    action: AuditAction,
    target: models.Model,
    fields: list[str],
    of: models.Model | None = None,
) -> Iterator[None]:
    """Record what the block changes in `fields` of `of` (the target itself unless given); a
    block that raises records nothing."""
    row = target if of is None else of
    before = snapshot(row, fields)
    yield
    audit_record(actor=actor, action=action, target=target, before=before, after=snapshot(row, fields))
