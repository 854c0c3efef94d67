"""How a donation station signs its API calls: `Authorization: Station <key>`.

A station is no person: its requests carry no user (request.user stays anonymous) and the
station itself is `request.auth`, so no user endpoint mistakes a kiosk for a signed-in citizen.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from core.throttling import FailOpenMixin

from . import selectors, services
from .models import Station

KEYWORD = "Station"


class StationAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the station key as “Authorization: Station <key>”, with no space in the key.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This station key is not known.")) from None
        station = selectors.station_holding_key(key=key)
        if station is None:
            raise exceptions.AuthenticationFailed(_("This station key is not known."))
        if not station.is_active:
            raise exceptions.AuthenticationFailed(
                _("This station's key was revoked. Ask city staff to register the station again.")
            )
        services.station_seen(station=station)
        return AnonymousUser(), station

    def authenticate_header(self, request) -> str:
        return KEYWORD


class IsStation(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, Station):
            # A user's token or session is no station's key: say what this endpoint wants.
            raise exceptions.NotAuthenticated(
                _("Only a donation station can call this: send “Authorization: Station <key>”.")
            )
        return True


class StationRateThrottle(FailOpenMixin, SimpleRateThrottle):
    """Limits each station's calls, reads included: a kiosk polls, and a key can leak."""

    scope = "station"

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, Station):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class StationAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "donations.authentication.StationAuthentication"
    name = "stationKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A donation station's key, as `Station <key>`; city staff get it once "
            "when they register the station.",
        }
