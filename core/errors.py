"""The one error type of the domain.

Services raise `ApplicationError` when a rule is broken; the message is shown to the user as is.
Its `kind` says what went wrong in the domain's terms; the API's exception handler and the pages
turn a kind into an HTTP status, so nothing here knows about HTTP.
"""

from __future__ import annotations

import enum


class ErrorKind(enum.Enum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    UNAVAILABLE = "unavailable"


class ApplicationError(Exception):
    """A rule of the domain was broken; the message is shown to the user as is."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        fields: dict[str, list[str]] | None = None,
        kind: ErrorKind = ErrorKind.INVALID,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}
        self.kind = kind


def forbidden(message: str) -> ApplicationError:
    """The user may not do this."""
    return ApplicationError(message, code="permission_denied", kind=ErrorKind.FORBIDDEN)


def conflict(
    message: str, code: str = "invalid_status", fields: dict[str, list[str]] | None = None
) -> ApplicationError:
    """The row is not in a state that allows this."""
    return ApplicationError(message, code=code, fields=fields, kind=ErrorKind.CONFLICT)


def not_found(
    message: str, code: str = "not_found", fields: dict[str, list[str]] | None = None
) -> ApplicationError:
    """The row does not exist, or the user may not know that it does."""
    return ApplicationError(message, code=code, fields=fields, kind=ErrorKind.NOT_FOUND)


def unavailable(message: str, code: str = "unavailable") -> ApplicationError:
    """The work cannot be done now (a background worker is down or busy); trying later may work."""
    return ApplicationError(message, code=code, kind=ErrorKind.UNAVAILABLE)
