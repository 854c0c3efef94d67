"""Permission checks that several apps' services share, each raising the domain's error."""

from django.contrib.auth.models import AnonymousUser

from core.errors import forbidden

from .models import User


def require_city_staff(user: User | AnonymousUser, *, message: str) -> None:
    """Only city staff may go on; `message` says what only they may do, in the user's language."""
    if not (user.is_authenticated and user.is_city_staff):
        raise forbidden(message)
