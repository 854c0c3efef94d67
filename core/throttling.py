from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.throttling import SimpleRateThrottle

# Types only: DRF's settings import this module while rest_framework.views is still loading.
if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


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
