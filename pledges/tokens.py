"""The pledge's emailed links, on the shared signed-token helper (heforshe.lib.signed)."""

from __future__ import annotations

import datetime as dt

from heforshe.lib import signed

CONFIRM = "pledges.confirm"
SIGN_IN = "pledges.sign-in"
PRIVACY = "pledges.privacy"

MAX_AGE = {
    CONFIRM: dt.timedelta(days=7),
    SIGN_IN: dt.timedelta(days=7),
    PRIVACY: dt.timedelta(days=2),
}


def make(purpose: str, pledge_id: int) -> str:
    return signed.make(purpose, pledge_id)


def read(purpose: str, token: str) -> int | None:
    """The pledge id the token was made for, or None when it is forged, altered or too old."""
    return signed.read(purpose, token, max_age=MAX_AGE[purpose])
