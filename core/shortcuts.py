"""Helpers for the apps' page views."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

T = TypeVar("T")


def get_or_404(fetch: Callable[..., T], /, **kwargs: Any) -> T:
    """A selector's row, or a 404 page when it does not exist or the user may not see it. (The
    API's exception handler does the same for every API view.)"""
    try:
        return fetch(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None
