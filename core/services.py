"""Writing helpers every app's services share."""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from core.errors import ApplicationError

M = TypeVar("M", bound=models.Model)


def save_validated(
    instance: M, *, update_fields: list[str] | None = None, named: dict[str, str] | None = None
) -> M:
    """Save a row only if it passes its model's own validation (lengths, choices, refused
    characters). With `update_fields`, only those fields are validated and written: a service that
    changes a few fields of a row neither re-checks nor rewrites the rest. `named` reports a
    field's errors under the name the caller typed it as (`reason` for `rejection_reason`)."""
    try:
        if update_fields is None:
            instance.full_clean()
        else:
            written = set(update_fields)
            instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.name not in written])
    except ValidationError as error:
        if not named:
            raise
        raise ValidationError(
            {named.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from None
    instance.save(update_fields=update_fields)
    return instance


def model_update(
    *,
    instance: M,
    fields: Iterable[str],
    data: dict[str, Any],
    derive: Callable[[M], None] | None = None,
) -> list[str]:
    """Set `data` on `instance`, stripping text, then validate and save it.

    Only `fields` may change: any other key is refused with an error on that field, before
    anything is set. `derive` sets the fields that follow from the new values (an idea's detected
    language), so the row is written once. Returns the fields whose value changed (the row is
    saved either way, so a model's `auto_now` moves only through here)."""
    allowed = set(fields)
    for field in data:
        if field not in allowed:
            message = _("This field cannot be changed.")
            raise ApplicationError(message, fields={field: [message]})
    changed = []
    for field, value in data.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(instance, field) != value:
            changed.append(field)
        setattr(instance, field, value)
    if derive is not None:
        derive(instance)
    save_validated(instance)
    return changed
