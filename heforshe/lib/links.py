"""Links built from the request that must stay on this site.

A path taken from the request (`//evil.example/`, `/\\evil.example/`,
`/%09/evil.example/`...) and written back into an `href`, a `Location` or a
`next` parameter becomes a link to another host: browsers read `//host`,
`///host` and `/\\host` as host references, and drop tabs and newlines before
parsing. `local_path()` turns any such value into a path with exactly one
leading slash, no scheme and no host, percent-encoding the rest.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from django.urls import reverse

# Slashes, backslashes, spaces and control characters at the start, raw or
# percent-encoded (also twice, as `%252F`): each may be read as part of `//`.
_LEADING = re.compile(r"^(?:[/\\\x00-\x20\x7f]|%(?:25)*(?:2f|5c|0[0-9a-f]|1[0-9a-f]|20|7f))+", re.IGNORECASE)
# What may stay as it is in a path and query; everything else is percent-encoded
# ("%" is kept so existing escapes are not encoded twice).
_SAFE = "/?&=#%:@!$'()*+,;-._~[]"


def local_path(value: str | None, default: str = "/") -> str:
    """`value` as a path on this site: one leading "/", never `//`, `/\\` or a scheme; `default` when it is none."""
    if not value:
        return default
    text = str(value)
    match = _LEADING.match(text)
    if match is None:
        # Relative, or a scheme ("https:", "javascript:"): not a path on this site.
        return default
    rest = text[match.end() :]
    # Browsers remove tabs and newlines anywhere in a URL: encode them so none can rejoin two slashes.
    return "/" + quote(rest, safe=_SAFE)


def sign_in_url(next_path: str | None) -> str:
    """The sign-in page, returning to `next_path` (made local) afterwards."""
    return f"{reverse('account_login')}?{urlencode({'next': local_path(next_path)})}"
