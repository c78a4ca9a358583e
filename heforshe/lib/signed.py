"""Signed, expiring links sent by email: nothing to store, nothing to burn.

A token carries one integer (the id of the row it was made for) signed with a
purpose as salt, so a link made for one purpose never opens another. Pages
reached by such a link only show a button; the POST does the work (mail
scanners follow links).
"""

from __future__ import annotations

import datetime as dt

from django.core import signing


def make(purpose: str, object_id: int) -> str:
    return signing.dumps(object_id, salt=purpose, compress=False)


def read(purpose: str, token: str, *, max_age: dt.timedelta) -> int | None:
    """The id the token was made for, or None when it is forged, altered or older than max_age."""
    try:
        value = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
