"""Who may open a page, for the apps' page views."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def city_staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff pages: a visitor who is not signed in goes to the site's log-in page and comes back;
    a signed-in citizen gets the site's own "no access" page (403), never the admin's log-in."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_city_staff:
            # The "no access" page says why, here that the page is staff's (templates/403.html).
            raise PermissionDenied(
                _(
                    "This page is for city staff. If you think you should have access, ask the "
                    "city's AI pilot team."
                )
            )
        return view(request, *args, **kwargs)

    return checked
