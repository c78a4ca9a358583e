"""Whole-page cache for anonymous visitors of the public pages (home, stories gallery).

A launch-day crowd is anonymous: no session, no messages, nothing personal
on the page. For them a page is rendered once per version, language and URL
and its bytes are served from the cache (shared through Redis, kept a moment
in each process); everyone else gets the view itself. A page that set a
cookie, used a CSRF token or a CSP nonce is never stored.

`version` says what the page was made from (the counts snapshot's ETag, a
counter bumped when stories change): a new version is a new page at once,
and `timeout` bounds how long a page can miss a change nobody announced.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# How long a process serves a page from its own memory before asking the shared cache again.
MEMO_SECONDS = 1.0

_memo_lock = threading.Lock()
_memo: dict[str, tuple[float, bytes, str]] = {}


def forget_memo() -> None:
    with _memo_lock:
        _memo.clear()


def is_anonymous_visit(request) -> bool:
    """A GET from a visitor with no session and no pending messages: the page cannot be personal."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
    )


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and b"nonce=" not in response.content
    )


def cache_page_for_anonymous(*, version: Callable[[], str], timeout: int):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_anonymous_visit(request):
                return view(request, *args, **kwargs)
            ident = f"{view.__module__}.{view.__name__}|{version()}|{get_language()}|{request.get_full_path()}"
            key = "page:" + hashlib.sha256(ident.encode()).hexdigest()[:32]
            now = time.monotonic()
            hit = _memo.get(key)
            if hit is not None and now - hit[0] < MEMO_SECONDS:
                content, content_type = hit[1], hit[2]
            else:
                stored = cache.get(key)
                if stored is None:
                    response = view(request, *args, **kwargs)
                    if _storable(request, response):
                        stored = (response.content, response["Content-Type"])
                        cache.set(key, stored, timeout=timeout)
                        _remember(key, now, stored)
                    return response
                content, content_type = stored
                _remember(key, now, stored)
            response = HttpResponse(content, content_type=content_type)
            patch_vary_headers(response, ["Cookie"])  # what a signed-in visitor sees differs
            return response

        return wrapped

    return decorator


def _remember(key: str, now: float, stored: tuple[bytes, str]) -> None:
    with _memo_lock:
        if len(_memo) > 512:
            _memo.clear()
        _memo[key] = (now, *stored)
