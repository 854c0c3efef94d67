"""The product's JSON API over HTTP, called as an outside client would: the demo's station device
and company analyser use nothing else, so what they can do is exactly what a real one can.

Standard library only; the product's own code is not imported.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

REQUEST_TIMEOUT_SECONDS = 10
# A throttled call is tried again after the server's Retry-After, but never waits longer.
MAX_RETRY_WAIT_SECONDS = 60
THROTTLED_ATTEMPTS = 3


class ApiError(Exception):
    """An answer other than 2xx, with the API's own message; status 0 when nothing answered."""

    def __init__(self, status: int, message: str, code: str = ""):
        super().__init__(f"HTTP {status}: {message}" if status else message)
        self.status = status
        self.code = code

    @property
    def unreachable(self) -> bool:
        return self.status == 0


class ApiClient:
    def __init__(self, *, base_url: str, authorization: str, language: str = ""):
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError("The URL must start with http:// or https://.")
        self.base_url = base_url.rstrip("/")
        self.headers = {"Authorization": authorization, "Accept": "application/json"}
        if language:
            self.headers["Accept-Language"] = language

    def call(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Any:
        """The answer's JSON; raises ApiError. A throttled call (429) waits and tries again.

        `path` is below the base URL, or a whole URL the API gave, such as a page's `next`."""
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        url += f"?{urllib.parse.urlencode(query)}" if query else ""
        data = json.dumps(body).encode() if body is not None else None
        headers = {**self.headers, **({"Content-Type": "application/json"} if data else {})}
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        for attempt in range(1, THROTTLED_ATTEMPTS + 1):
            try:
                with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) only, checked
                    return json.loads(response.read() or b"null")
            except urllib.error.HTTPError as error:
                if error.code == 429 and attempt < THROTTLED_ATTEMPTS:
                    time.sleep(min(int(error.headers.get("Retry-After") or 5), MAX_RETRY_WAIT_SECONDS))
                    continue
                raise _api_error(error) from None
            # OSError as well as URLError: a development server restarting drops the connection
            # mid-answer.
            except OSError as error:
                raise ApiError(0, str(getattr(error, "reason", error))) from None
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def call_once_up(self, method: str, path: str, *, wait_seconds: float, **kwargs: Any) -> Any:
        """`call`, tried again every second while nothing answers, for up to `wait_seconds`: a
        client started together with the site must not fail while the site is still starting."""
        waiting_until = time.monotonic() + wait_seconds
        while True:
            try:
                return self.call(method, path, **kwargs)
            except ApiError as error:
                if not error.unreachable or time.monotonic() >= waiting_until:
                    raise
                time.sleep(1)


def _api_error(error: urllib.error.HTTPError) -> ApiError:
    try:
        answer = json.loads(error.read())["error"]
        return ApiError(error.code, str(answer.get("message", "")), str(answer.get("code", "")))
    except (ValueError, KeyError, TypeError, AttributeError):
        return ApiError(error.code, str(error.reason))
