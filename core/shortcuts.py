"""Helpers for the apps' page views."""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

T = TypeVar("T")


def get_or_404(fetch: Callable[..., T], /, **kwargs: Any) -> T:
    """A selector's row, or a 404 page when it does not exist or the user may not see it. (The
    API's exception handler does the same for every API view.)"""
    try:
        return fetch(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def filters_applied(request: HttpRequest, *, besides: tuple[str, ...] = ("page",)) -> bool:
    """Whether a list page was asked for with a filter set: then "Clear filters" is offered, and an
    empty list says nothing matches rather than that there is nothing yet. The page number (and
    `besides`, such as an ordering) chooses no rows."""
    return any(value for key, value in request.GET.items() if key not in besides)


def posted_here_else_back_to(
    page: Callable[..., str],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For a view that takes a form's POST and, when it refuses it, answers with a page: that page
    stands at the POST's address, so switching the language there (or a reload after it) asks for
    it again without the form. A GET or HEAD goes back to the page `page` gives for the view's own
    URL arguments (the idea, the pilot), instead of a blank 405."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def post_or_back(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                return redirect(page(*args, **kwargs))
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, *args, **kwargs)

        return post_or_back

    return decorate
