"""Who may call an endpoint, shared by the apps' APIs."""

from rest_framework.permissions import BasePermission


class IsCityStaff(BasePermission):
    """City staff only; anonymous callers are asked to log in. Subclasses say in `message` what
    only staff may do, in the caller's language."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_city_staff)
