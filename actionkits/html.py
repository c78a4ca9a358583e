"""The allow-list HTML policy for kit bodies, enforced by Ammonia (nh3).

Kit bodies are written by editors and shown as HTML on public pages. The
editors are trusted staff, but an account can be phished and text is often
pasted from elsewhere, so only structural markup survives: no scripts, styles,
event handlers, frames, forms, SVG or MathML, and links only to http(s) and
mailto. Ammonia parses with html5ever, as a browser does, so markup that a
browser would read differently from a hand-written parser (mis-nested tags,
entity-encoded schemes, `<svg>`/`<math>` namespace tricks) cannot slip through.
Unknown tags are dropped and their text kept; the tags below lose their text too.
"""

from __future__ import annotations

import nh3

TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote", "abbr", "span",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
# Dropped with everything inside them: their text is code or a second document, not kit text.
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math", "textarea"}
ATTRIBUTES = {
    "*": {"lang", "dir"},
    "a": {"href", "hreflang", "title"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Links leave the site without our address, without a handle on our window, and without our endorsement.
LINK_REL = "noopener noreferrer nofollow"

_cleaner = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags=DROP_WITH_CONTENT,
    attributes=ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel=LINK_REL,
    strip_comments=True,
)


def clean_html(text: str) -> str:
    """Kit body HTML reduced to the allow-list; safe to render as HTML."""
    return _cleaner.clean(text or "")
