"""Reads for My page and the staff figures."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.notifications import preferences_for
from ideas.selectors import idea_list
from pilots.models import PilotVolunteer


def my_page_contents(*, user: User) -> dict[str, Any]:
    """A citizen's own things: ideas, supports, notifications, pilots and consents."""
    ideas = idea_list(user=user)
    return {
        "my_ideas": ideas.filter(author=user),
        "supported": ideas.filter(supports__user=user),
        "notifications": user.notifications.all()[:20],
        "preferences": preferences_for(user=user),
        "volunteering": PilotVolunteer.objects.filter(user=user)
        .select_related("pilot")
        .prefetch_related("consents__data_request"),
    }
