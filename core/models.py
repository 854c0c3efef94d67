"""What the models of every app may build on."""

from typing import Any

from django.db import models
from django.utils.translation import get_language

# (field, language) → {stored value: its label in that language}, filled as pages ask.
_labels: dict[tuple[models.Field, str | None], dict[Any, str]] = {}


class ChoiceLabelsModel(models.Model):
    """`get_<field>_display()` from a table of the field's labels per language, made on first
    use. Django's own makes the table again on every call, translating every label of the field
    to show one of them: a company's matches page of twenty cards translated about 800 labels."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field) -> Any:
        value = getattr(self, field.attname)
        key = (field, get_language())
        labels = _labels.get(key)
        if labels is None:
            labels = {choice: str(label) for choice, label in field.flatchoices}
            _labels[key] = labels
        try:
            return labels.get(value, value)
        except TypeError:  # a value that cannot be a key (a list, a dict): Django's way
            return super()._get_FIELD_display(field)  # type: ignore[misc]
