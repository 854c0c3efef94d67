from __future__ import annotations

from typing import TYPE_CHECKING

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY), with inline styles allowed under
    settings.CSP_INLINE_STYLE_PREFIXES only.

    The browsable API, its log-in page and Swagger UI are templates of packages that lay out
    with style attributes and a <style> element; the site's own pages need neither. Scripts stay
    strict everywhere.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request=request, response=response, report_only=report_only)
        if request.path_info.startswith(tuple(settings.CSP_INLINE_STYLE_PREFIXES)):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts
