"""One error type for the domain and one JSON shape for every API error.

Every error response is `{"error": {"code", "message", "fields"}}`: `fields` maps a field name
to its messages (in the request's language), so a form can show each next to its field.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


class ApplicationError(Exception):
    """A rule of the domain was broken; the message is shown to the user as is."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        fields: dict[str, list[str]] | None = None,
        status_code: int = status.HTTP_400_BAD_REQUEST,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}
        self.status_code = status_code


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub_key, sub_value in _flatten(value).items():
                    flat[f"{key}.{sub_key}"] = sub_value
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub_key, sub_value in _flatten(item).items():
                        flat[f"{key}.{index}.{sub_key}"] = sub_value
            else:
                flat[key] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return flat
    return {"non_field_errors": [str(v) for v in (detail if isinstance(detail, list) else [detail])]}


def _body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = _body("invalid", _("Please correct the fields below."), fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(exc, "default_code", "error")
        if isinstance(detail, dict | list):
            response.data = _body(code, _("The request could not be processed."), _flatten(detail))
        else:
            response.data = _body(getattr(detail, "code", code) or code, str(detail))
    return response


def forbidden(message: str) -> ApplicationError:
    """The user may not do this (HTTP 403), in the same shape as every other error."""
    return ApplicationError(message, code="permission_denied", status_code=status.HTTP_403_FORBIDDEN)


def conflict(message: str, code: str = "invalid_status", fields: dict | None = None) -> ApplicationError:
    """The row is not in a state that allows this (HTTP 409)."""
    return ApplicationError(message, code=code, fields=fields, status_code=status.HTTP_409_CONFLICT)
