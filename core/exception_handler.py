"""One JSON shape for every API error.

Every error response is `{"error": {"code", "message", "fields"}}`: `fields` maps a field name
to its messages (in the request's language), so a form can show each next to its field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError, ErrorKind

HTTP_STATUS = {
    ErrorKind.INVALID: status.HTTP_400_BAD_REQUEST,
    ErrorKind.FORBIDDEN: status.HTTP_403_FORBIDDEN,
    ErrorKind.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorKind.CONFLICT: status.HTTP_409_CONFLICT,
    ErrorKind.UNAVAILABLE: status.HTTP_503_SERVICE_UNAVAILABLE,
}


def _flatten(detail: Any) -> dict[str, list[str]]:
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


def _no_data(detail: Any) -> bool:
    """DRF's answer to a body of JSON null, "No data provided", which it never translates."""
    errors = detail.get(api_settings.NON_FIELD_ERRORS_KEY) if isinstance(detail, dict) else None
    return isinstance(errors, list) and len(errors) == 1 and getattr(errors[0], "code", None) == "null"


def _body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(_body(exc.code, exc.message, exc.fields), status=HTTP_STATUS[exc.kind])
    # Django's limits on a body (DATA_UPLOAD_MAX_MEMORY_SIZE, field and file counts) surface when
    # DRF parses it; left alone they become Django's HTML "Bad Request" page.
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return Response(
            _body("request_too_large", _("The request is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    # A row looked up by id that does not exist (or that the caller may not see) is a 404,
    # so views and services fetch with .get() instead of converting by hand.
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError) and _no_data(exc.detail):
        message = _("The request holds no data: send its fields as a JSON object.")
        response.data = _body("invalid", message, {api_settings.NON_FIELD_ERRORS_KEY: [message]})
    elif isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = _body("invalid", _("Please correct the fields below."), fields)
    elif isinstance(exc, exceptions.ParseError):
        # The parser's own message is English and names the parser's internals.
        response.data = _body(
            "parse_error", _("The request body could not be read."), getattr(exc, "fields", None)
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(exc, "default_code", "error")
        if isinstance(detail, dict | list):
            response.data = _body(code, _("The request could not be processed."), _flatten(detail))
        else:
            response.data = _body(getattr(detail, "code", code) or code, str(detail))
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 (no URL matches, outside DRF) answers the API's JSON error under /api/."""
    if request.path.startswith("/api/"):
        not_found = exceptions.NotFound()
        return JsonResponse(
            _body(not_found.default_code, str(not_found.detail)), status=status.HTTP_404_NOT_FOUND
        )
    return defaults.page_not_found(request, exception)
