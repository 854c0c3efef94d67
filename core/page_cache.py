"""A short-lived cache of the public pages and API reads that anonymous visitors ask for most
(the idea list, an idea's page and their API twins).

Only anonymous GETs are cached: a signed-in reader (session or API token) sees their own drafts,
supports and forms, so their pages are always rendered. An entry is keyed by the language, the
`Accept` header and the full path with its query string, and holds the content version it was
rendered under; it is served only while that version is current, and the version and the entry
are read in one round trip to Redis. The version changes on every
write to a table whose rows a cached page shows (each app names its tables with `watch`), at the
moment of the write and again once it commits, so a new comment, support, match or a hidden
idea is visible on the next request, never after a delay. Entries also expire after
PAGE_CACHE_SECONDS.

The cache fails open: while Redis does not answer, pages are rendered as if there were no cache,
and this process stops asking Redis for PAGE_CACHE_RETRY_SECONDS instead of waiting out the
socket timeout on every request. A version bump lost to an outage is covered by the expiry: no
entry outlives PAGE_CACHE_SECONDS after it was stored.

A signed-in reader's page may still take a part the same for many readers from the cache
(`cached_part`), under the same version: a company's ranked matches, for each of its members.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connections
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.throttling import CACHE_UNAVAILABLE

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models import Model
    from django.http import HttpRequest, HttpResponseBase

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache:version"
# The form token of the request that rendered a page is replaced by this before the page is
# stored, and by the reader's own token when it is served. Page text never holds it: what users
# write is escaped, so it has no bare quotes.
CSRF_MARKUP = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
# Stands for the reader's form token in whatever is kept: whole pages (in place of the token of
# the request that rendered them) and parts of pages (`cached_part`, rendered with it).
PART_CSRF_PLACEHOLDER = "\x00csrf\x00"
CSRF_PLACEHOLDER = f'name="csrfmiddlewaretoken" value="{PART_CSRF_PLACEHOLDER}"'.encode()

_watched_tables: set[str] = set()
_watched_inserts: set[str] = set()
_down_until = 0.0
_lock = threading.Lock()


def watch(*models: type[Model], inserts: bool = True) -> None:
    """Cached pages show rows of these models: any write to their tables changes the version.
    With `inserts=False` new rows do not (the model's app decides, with `changed`, which new rows
    a page can show)."""
    for model in models:
        _watched_tables.add(model._meta.db_table)
        if inserts:
            _watched_inserts.add(model._meta.db_table)


def _redis_answers() -> bool:
    return time.monotonic() >= _down_until


def _redis_failed(action: str) -> None:
    global _down_until
    with _lock:
        _down_until = time.monotonic() + settings.PAGE_CACHE_RETRY_SECONDS
    logger.warning("Page cache: could not %s; pages are rendered uncached for now.", action, exc_info=True)


def current_version() -> int | None:
    """None when the cache cannot be used now."""
    if not _redis_answers():
        return None
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            # Unknown (first use, eviction, a flushed Redis): a number never used before, so no
            # entry stored under an earlier version can come back.
            cache.add(VERSION_KEY, time.time_ns(), timeout=None)
            version = cache.get(VERSION_KEY)
    except CACHE_UNAVAILABLE:
        _redis_failed("read the version")
        return None
    return version


def changed() -> None:
    """Something a cached page shows changed: no entry stored before this call is served again.
    Called at the write and again when its transaction commits, so a page rendered in between
    (from the rows before the commit) is not served either."""
    _bump()
    for alias in connections:
        connection = connections[alias]
        if connection.in_atomic_block and not any(entry[1] is _bump for entry in connection.run_on_commit):
            connection.on_commit(_bump)


def _bump() -> None:
    if not _redis_answers():
        return
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet: nothing can be stored under the one to come
            cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    except CACHE_UNAVAILABLE:
        _redis_failed("change the version")


_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


def _watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    # Every write goes through here, whether a model's save, a queryset's update or delete or a
    # bulk operation: signals would miss the last three, which the matcher and moderation use.
    result = execute(sql, params, many, context)
    written(sql)
    return result


def written(sql: str) -> None:
    """`sql` was run: if it writes to a watched table, the version changes. Django's cursors call
    this for every statement; code writing through a cursor of its own (the matcher's binary
    one) calls it too."""
    if sql.startswith("SELECT"):
        return
    write = _WRITE.match(sql)
    if write is not None:
        table = write.group(2)
        if table in _watched_inserts or (
            table in _watched_tables and not write.group(1).upper().startswith("INSERT")
        ):
            changed()


def copied(table: str) -> None:
    """Rows were copied (COPY) into `table`: as `written` for an INSERT."""
    if table in _watched_inserts:
        changed()


def _install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


connection_created.connect(_install, dispatch_uid="core.page_cache.install")


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return False
    if request.user.is_authenticated:
        return False
    # REST framework's test client signs a user in without a session or a header.
    if getattr(request, "_force_auth_user", None) is not None:
        return False
    # A pending message ("you were logged out") is shown once, to its reader only.
    if CookieStorage.cookie_name in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.session_key and session.get("_messages"))


def _key(request: HttpRequest) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    accept = hashlib.sha256(request.META.get("HTTP_ACCEPT", "").encode()).hexdigest()[:16]
    return f"page-cache:{get_language()}:{accept}:{path}"


def _serve(request: HttpRequest, stored: dict[str, Any]) -> HttpResponse:
    content = stored["content"]
    if stored["csrf"]:
        content = content.replace(
            CSRF_PLACEHOLDER, f'name="csrfmiddlewaretoken" value="{get_token(request)}"'.encode()
        )
    response = HttpResponse(content, status=200)
    for header, value in stored["headers"]:
        response[header] = value
    return response


def _storable(request: HttpRequest, response: HttpResponseBase) -> dict[str, Any] | None:
    if response.status_code != 200 or response.cookies or getattr(response, "streaming", False):
        return None
    # A page whose inline script carries this request's nonce cannot be served to another.
    if getattr(request, "_csp_nonce", None) is not None:
        return None
    # The browsable API's pages carry the reader's token in a script; only its JSON is stored.
    renderer = getattr(response, "accepted_renderer", None)
    if renderer is not None and renderer.format != "json":
        return None
    assert isinstance(response, HttpResponse)
    content = response.content
    has_csrf = response.get("Content-Type", "").startswith("text/html") and CSRF_MARKUP.search(content)
    if has_csrf:
        content = CSRF_MARKUP.sub(CSRF_PLACEHOLDER, content)
    return {"content": content, "csrf": bool(has_csrf), "headers": list(response.items())}


def cached_part(
    request: HttpRequest, key: str, render: Callable[[], tuple[str, Any]]
) -> tuple[SafeString, Any]:
    """Part of a page that is the same for many signed-in readers but for their form tokens,
    with what the view learned drawing it: `render()` returns its HTML (forms carrying
    PART_CSRF_PLACEHOLDER as their token) and a value the view needs (JSON-like). Kept under
    `key` for the current content version, so any write to a watched table (`watch`) renders it
    again on the next request, like a cached page; rendered each time while Redis does not answer.
    """
    found: dict[str, Any] = {}
    version = None
    if settings.PAGE_CACHE_SECONDS and _redis_answers():
        try:
            found = cache.get_many([VERSION_KEY, key])
            version = found.get(VERSION_KEY)
        except CACHE_UNAVAILABLE:
            _redis_failed("read a part of a page")
        else:
            if version is None:
                version = current_version()
    stored = found.get(key)
    if version is not None and stored is not None and stored["version"] == version:
        html, value = stored["html"], stored["value"]
    else:
        html, value = render()
        if version is not None:
            try:
                entry = {"version": version, "html": html, "value": value}
                cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
            except CACHE_UNAVAILABLE:
                _redis_failed("store a part of a page")
    return with_reader_token(request, html), value


def with_reader_token(request: HttpRequest, html: str) -> SafeString:
    """A part drawn with PART_CSRF_PLACEHOLDER for its forms' token, with the reader's own."""
    return mark_safe(html.replace(PART_CSRF_PLACEHOLDER, get_token(request)))


def cache_public_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Serve an anonymous GET of `view` from the cache when it holds the same path (with its
    query string) in the same language for the current version; else render and store it."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.PAGE_CACHE_SECONDS or not _cacheable_request(request) or not _redis_answers():
            return view(request, *args, **kwargs)
        key = _key(request)
        try:
            # The version and the entry in one round trip: an entry is served only if it was
            # stored under the version current now.
            found = cache.get_many([VERSION_KEY, key])
        except CACHE_UNAVAILABLE:
            _redis_failed("read a page")
            return view(request, *args, **kwargs)
        version = found.get(VERSION_KEY)
        if version is None:
            version = current_version()
            if version is None:
                return view(request, *args, **kwargs)
        stored = found.get(key)
        if stored is not None and stored["version"] == version:
            return _serve(request, stored)
        response = view(request, *args, **kwargs)
        render = getattr(response, "render", None)
        if render is not None and not getattr(response, "is_rendered", True):
            # A REST framework response is rendered on its way out; its content is needed now.
            render()
        entry = _storable(request, response)
        if entry is not None:
            entry["version"] = version
            try:
                cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
            except CACHE_UNAVAILABLE:
                _redis_failed("store a page")
        return response

    # functools.wraps also copies the view's attributes: a REST framework view stays exempt from
    # the CSRF middleware (it checks session writes itself).
    return wrapped
