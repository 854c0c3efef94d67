"""Filters for the comments of an idea's page."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from ideas.models import Comment

register = template.Library()

# Within this, a comment's time reads as how long ago it was; beyond it, as the date.
RELATIVE_FOR = timedelta(days=7)


@register.filter
def posted_when(moment: datetime | None) -> str:
    """“3 minutes ago”, “2 days ago”, or the date for anything older than a week."""
    if moment is None:
        return ""
    now = timezone.now()
    if now - moment < timedelta(minutes=1):
        return _("just now")
    if now - moment < RELATIVE_FOR:
        return _("%(time)s ago") % {"time": timesince(moment, now, depth=1)}
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


@register.filter
def editable_by(comment: Comment, user) -> bool:
    return comment.can_be_edited_by(user)
