"""Data donation on pages of other apps, such as a data request's fields on the pilot page."""

from typing import Any

from django import template

from donations.fields import DataField

register = template.Library()


@register.filter
def reading_field(field: dict[str, Any]) -> str:
    """A data request's field as volunteers read it: “Pulse (30–220 bpm)”."""
    try:
        return DataField(**field).describe()
    except TypeError:
        # A field stored before the ranges existed has a name only.
        return str(field.get("label", ""))
