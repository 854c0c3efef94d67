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
