"""Who may call an endpoint, shared by the apps' APIs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission

# Types only, as in core.throttling: rest_framework.views loads the classes DRF's settings name.
if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsCityStaff(BasePermission):
    """City staff only; anonymous callers are asked to log in. Subclasses say in `message` what
    only staff may do, in the caller's language."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_city_staff)
