"""The lockout after repeated failed log-ins, with django-axes counting failures in the database.

One username from one address gets AXES_FAILURE_LIMIT failures; one address trying many usernames
(password spraying) gets LOGIN_FAILURES_PER_ADDRESS, a higher number because many people may share
an address behind one network. django-axes compares its highest count to one limit, so the
per-address count is put on the per-account scale before comparing.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.translation import ngettext


class LoginLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # The order of settings.AXES_LOCKOUT_PARAMETERS: username with address, then address.
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        account_limit = settings.AXES_FAILURE_LIMIT
        # Reaches account_limit exactly when per_address reaches the per-address limit.
        return max(per_account, per_address * account_limit // settings.LOGIN_FAILURES_PER_ADDRESS)


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed log-ins. For your account's safety, log-in is paused for %(minutes)d "
        "minute; try again later.",
        "Too many failed log-ins. For your account's safety, log-in is paused for %(minutes)d "
        "minutes; try again later.",
        minutes,
    ) % {"minutes": minutes}
