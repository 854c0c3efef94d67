"""The API's JSON parser."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class UnreadableText(exceptions.ParseError):
    """A body that parsed, but holds text no answer or row can hold; `fields` names where."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__()
        self.fields = fields


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _is_lone_surrogate_text(value: Any) -> bool:
    return isinstance(value, str) and _LONE_SURROGATE.search(value) is not None


def lone_surrogate_path(data: Any) -> str | None:
    """Where the first lone surrogate is, as the error answer names fields ("fields.0.label"):
    "" for the body as a whole (a key of the top object, or a string body), None if there is none.
    Walked without recursion, level by level, each in the body's order: the body may nest as deep
    as the JSON reader allows."""
    pending: deque[tuple[str, Any]] = deque([("", data)])
    while pending:
        path, value = pending.popleft()
        if isinstance(value, dict):
            for key, item in value.items():
                if _is_lone_surrogate_text(key):
                    return path
                pending.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, list):
            pending.extend(
                (f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value)
            )
        elif _is_lone_surrogate_text(value):
            return path
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a lone surrogate escape ("\\ud800"): Python reads it into text
    that has no UTF-8, so an answer repeating it (a choice field's "not a valid choice") cannot be
    written, nor can the database store it."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        path = lone_surrogate_path(data)
        if path is not None:
            message = _("This text holds a lone surrogate (U+D800 to U+DFFF), which stands for no character.")
            raise UnreadableText({path: [message]} if path else {})
        return data
