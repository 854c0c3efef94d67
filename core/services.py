"""Writing helpers every app's services share."""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from core.errors import ApplicationError

M = TypeVar("M", bound=models.Model)


def save_validated(instance: M, **save_kwargs: Any) -> M:
    """Save a row only if it passes its model's own validation (lengths, choices, validators)."""
    instance.full_clean()
    instance.save(**save_kwargs)
    return instance


def model_update(*, instance: M, fields: Iterable[str], data: dict[str, Any]) -> list[str]:
    """Set `data` on `instance`, stripping text, then validate and save it.

    Only `fields` may change: any other key is refused with an error on that field, before
    anything is set. Returns the fields whose value changed (the row is saved either way, so a
    model's `auto_now` moves only through here)."""
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
    save_validated(instance)
    return changed


def validate_fields(
    instance: models.Model, fields: Iterable[str], *, named: dict[str, str] | None = None
) -> None:
    """Check only these fields against their model's validators (lengths, refused characters),
    for a service that saves a few fields of a row without validating the whole of it. `named`
    reports a field's errors under the name the caller typed it as (`reason` for
    `rejection_reason`)."""
    names = set(fields)
    try:
        instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.name not in names])
    except ValidationError as error:
        renamed = {
            (named or {}).get(field, field): messages for field, messages in error.message_dict.items()
        }
        raise ValidationError(renamed) from None
