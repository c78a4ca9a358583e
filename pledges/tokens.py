"""Signed, expiring links sent by email. Nothing to store, nothing to burn:
each link only opens a page whose button does the work with a POST."""

from __future__ import annotations

import datetime as dt

from django.core import signing

CONFIRM = "pledges.confirm"
SIGN_IN = "pledges.sign-in"
PRIVACY = "pledges.privacy"

MAX_AGE = {
    CONFIRM: dt.timedelta(days=7),
    SIGN_IN: dt.timedelta(days=7),
    PRIVACY: dt.timedelta(days=2),
}


def make(purpose: str, pledge_id: int) -> str:
    return signing.dumps(pledge_id, salt=purpose, compress=False)


def read(purpose: str, token: str) -> int | None:
    """The pledge id the token was made for, or None when it is forged, altered or too old."""
    try:
        value = signing.loads(token, salt=purpose, max_age=MAX_AGE[purpose])
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
