from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import SAFE_METHODS, AllowAny

from core.throttling import WriteRateThrottle

if TYPE_CHECKING:
    from drf_spectacular.plumbing import ComponentRegistry
    from drf_spectacular.utils import Direction
    from rest_framework.serializers import Serializer

# The shape core.exception_handler gives every error.
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "Stable, for programs: `invalid`, `not_found`…"},
                "message": {"type": "string", "description": "For people, in the request's language."},
                "fields": {
                    "type": "object",
                    "description": "Each invalid field's messages; nested fields as `parent.child`.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}

ERROR_DESCRIPTIONS = {
    400: "The request is not valid, or breaks a rule; `fields` says which field is wrong.",
    401: "The credentials are missing or wrong.",
    403: "Not signed in, or not allowed to do this.",
    404: "Not found, or not visible to the caller; for a list, a page past the last one.",
    409: "The row is not in a state that allows this (already done, wrong stage…).",
    413: "The request body is too large.",
    415: "The request body's media type is not JSON, a form or multipart.",
    429: "Too many requests; retry after the `Retry-After` header's seconds.",
    503: "What the answer needs (a worker, Redis) did not answer in time; try again later.",
}


class AutoSchema(BaseAutoSchema):
    """Names nested serializers after their view and documents the error responses.

    Every API view nests serializers with the same two names, `InputSerializer` and
    `OutputSerializer`, which would otherwise collide into one schema component.

    Every operation lists the errors it can answer, in the one shape of core.exception_handler,
    derived from what the view declares (body, query and path parameters, permissions,
    authentication, throttles, pagination) so no view repeats them.
    """

    def get_serializer_name(self, serializer: Serializer, direction: Direction) -> str:
        name = super().get_serializer_name(serializer, direction)
        qualname = type(serializer).__qualname__
        if "." in qualname:
            owner = qualname.split(".")[0].removesuffix("Api")
            return f"{owner}{name}"
        return name

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: ComponentRegistry
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, schema=ERROR_SCHEMA, object="Error"
        )
        registry.register_on_missing(error)
        for status in self._error_statuses(operation):
            operation["responses"].setdefault(
                str(status),
                {
                    "description": ERROR_DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": error.ref}},
                },
            )
        return operation

    def _error_statuses(self, operation: dict[str, Any]) -> list[int]:
        view = self.view
        writes = self.method not in SAFE_METHODS
        has_body = "requestBody" in operation
        parameters = operation.get("parameters", [])
        filters = any(p["in"] == "query" and p["name"] not in ("page", "page_size") for p in parameters)
        paginated = self._get_paginator() is not None and self._is_list_view()
        authenticators = view.get_authenticators()
        open_to_all = all(isinstance(permission, AllowAny) for permission in view.get_permissions())

        statuses = []
        if writes or filters:
            statuses.append(400)
        # DRF answers 401 only when the first authenticator names a scheme for WWW-Authenticate
        # (session authentication does not, so a missing login is a 403); no request is needed.
        if authenticators and authenticators[0].authenticate_header(None):  # type: ignore[arg-type]
            statuses.append(401)
        # Session-authenticated writes are checked for CSRF even where anyone may call, and so
        # are the views that sign a browser in (`checks_csrf`); a view open to all may still keep
        # some of what it offers to some callers (`refuses_some_callers`).
        if (
            getattr(view, "checks_csrf", False)
            or getattr(view, "refuses_some_callers", False)
            or not (open_to_all and (not writes or not authenticators))
        ):
            statuses.append(403)
        if any(p["in"] == "path" for p in parameters) or paginated:
            statuses.append(404)
        if writes and authenticators:
            statuses.append(409)
        if has_body:
            statuses += [413, 415]
        # The write throttle lets reads through.
        if any(
            not (isinstance(throttle, WriteRateThrottle) and not writes) for throttle in view.get_throttles()
        ):
            statuses.append(429)
        # Views whose answer comes from a worker say so (`waits_for_worker`).
        if getattr(view, "waits_for_worker", False):
            statuses.append(503)
        return statuses
