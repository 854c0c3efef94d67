from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from core.errors import not_found

# Types only, as in core.throttling: DRF's settings import this module while rest_framework.views
# is still loading.
if TYPE_CHECKING:
    from django.core.paginator import Paginator
    from rest_framework.request import Request
    from rest_framework.response import Response


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_number(self, request: Request, paginator: Paginator) -> int | str:
        # The paginator the page was asked of: a page number that is no page is answered with
        # its last page, counted once.
        self._paginator = paginator
        return super().get_page_number(request, paginator)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        """A page; a page number that is no page (`abc`, 0, past the last) is DRF's 404, said in the
        reader's language on the `page` parameter rather than as DRF's English "Invalid page"."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            last = self._paginator.num_pages
            message = _("There is no such page: pages run from 1 to %(last)d.") % {"last": last}
            raise not_found(message, fields={self.page_query_param: [message]}) from None


class SearchedPagination(StandardPagination):
    """A page of a list its `q` searches by words and by meaning (`core.meaning_search`); with
    `q`, the response also says how the text was searched (`search`)."""

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["search"] = {
            "type": "object",
            "description": "Only with q. by_meaning is false when only entries containing the words "
            "were searched for, because the matcher did not answer; notice then says so in the "
            "reader's language.",
            "properties": {"by_meaning": {"type": "boolean"}, "notice": {"type": "string"}},
            "required": ["by_meaning", "notice"],
        }
        return paginated


class PaginatedApiMixin:
    """For an APIView whose GET answers one page of a list: `{count, next, previous, results}`.

    The paginator is declared on the view, not built inside `get`, because that is what the
    OpenAPI schema reads: it then describes the page envelope and the `page` and `page_size`
    parameters instead of a bare array.
    """

    pagination_class = StandardPagination

    def paginated_response(
        self, request: Request, items: Sequence[Any], serialize: Callable[[list[Any]], Any]
    ) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(serialize(page or []))
