from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle, SimpleRateThrottle

# Types only: DRF's settings import this module while rest_framework.views is still loading.
if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest | Request) -> str:
    """The client's address as the API's throttles see it: the connection's, or with
    REST_FRAMEWORK["NUM_PROXIES"] proxies in front, the one the outermost proxy saw. The log-in
    lockout counts by it too, so both agree on who the client is."""
    address = BaseThrottle().get_ident(request)  # type: ignore[arg-type]
    try:
        ipaddress.ip_address(address)
    except ValueError:
        # X-Forwarded-For is text a client can write; what is not an address is not used.
        return request.META.get("REMOTE_ADDR", "")
    return address


def client_of(request: HttpRequest | Request | None) -> str:
    """Who asks, for a cap per client (the matcher's lookups): the user, or the address of someone
    signed out (as the API's throttles read it)."""
    if request is None:
        return "unknown"
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"address:{client_address(request)}"


# What the cache raises when its server cannot be reached: redis-py's errors, and socket errors
# from any other backend.
CACHE_UNAVAILABLE = (RedisError, OSError)


class FailOpenMixin:
    """Lets a request through when the throttle's counters cannot be read.

    Throttling protects the service; it must not take it down. While the cache (Redis) is
    unreachable, pages keep working because they never throttle, so the API lets its writes
    through too: the row is saved, and the periodic sweep matches it once Redis is back.
    """

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except CACHE_UNAVAILABLE:
            logger.warning(
                "Throttle %s let %s %s through: the cache is unreachable.",
                type(self).__name__,
                request.method,
                request.path,
                exc_info=True,
            )
            return True


class WriteRateThrottle(FailOpenMixin, SimpleRateThrottle):
    """Limits writes per user (or per address when anonymous); reads are never throttled."""

    scope = "writes"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        if request.user and request.user.is_authenticated:
            ident = str(request.user.pk)
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class FailOpenScopedRateThrottle(FailOpenMixin, ScopedRateThrottle):
    """DRF's per-view `throttle_scope` limit, letting requests through while the cache is down."""


class _PageForm:
    """What DRF's scoped throttle reads of a view, for a page's form."""

    def __init__(self, scope: str):
        self.throttle_scope = scope


def page_throttle_wait(request: HttpRequest, *, scope: str) -> float | None:
    """For a page's form sent: None if the request fits the API's `scope` budget (and counts
    it), else the seconds until it would. The page and the API share the counters, so the same
    client has one budget whichever it uses."""
    throttle = FailOpenScopedRateThrottle()
    if throttle.allow_request(request, _PageForm(scope)):  # type: ignore[arg-type]
        return None
    return throttle.wait() or 1.0
