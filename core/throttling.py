from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

# Types only: DRF's settings import this module while rest_framework.views is still loading.
if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request
    from rest_framework.views import APIView


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


class WriteRateThrottle(SimpleRateThrottle):
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
