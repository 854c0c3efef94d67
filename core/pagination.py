from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rest_framework.pagination import PageNumberPagination

# Types only, as in core.throttling: DRF's settings import this module while rest_framework.views
# is still loading.
if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.response import Response


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


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
        page = paginator.paginate_queryset(items, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(serialize(page or []))
