"""Serializer fields the apps' APIs share."""

from typing import Any

from rest_framework import serializers

from core.validators import strip_invisible


class TypedCharField(serializers.CharField):
    """Text people type: only spaces and zero-width characters count as blank, as on the pages."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str) and data and not strip_invisible(data):
            data = ""
        return super().run_validation(data)
