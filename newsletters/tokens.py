"""Signed links in every newsletter: unsubscribe and preferences, by pledge, without an account.

They do not expire (an old newsletter's unsubscribe link must still work, RFC 8058) and change
nothing on GET: a mail scanner that follows links never unsubscribes anyone.
"""

from __future__ import annotations

from django.core import signing

SALT = "newsletters.preferences"


def make(pledge_id: int) -> str:
    return signing.dumps(pledge_id, salt=SALT, compress=False)


def read(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
