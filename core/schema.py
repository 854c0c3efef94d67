from __future__ import annotations

from typing import TYPE_CHECKING

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema

if TYPE_CHECKING:
    from drf_spectacular.utils import Direction
    from rest_framework.serializers import Serializer


class AutoSchema(BaseAutoSchema):
    """Names each view's nested `InputSerializer`/`OutputSerializer` after its view.

    Every API view nests serializers with the same two names, which would otherwise collide
    into one schema component.
    """

    def get_serializer_name(self, serializer: Serializer, direction: Direction) -> str:
        name = super().get_serializer_name(serializer, direction)
        qualname = type(serializer).__qualname__
        if "." in qualname:
            owner = qualname.split(".")[0].removesuffix("Api")
            return f"{owner}{name}"
        return name
