"""The allow-list for newsletter bodies (Ammonia, nh3): the markup of a letter, nothing that runs.

Written by trusted staff, but pasted from word processors and other sites and sent to many
thousands: scripts, styles, event handlers, forms, frames and foreign schemes never survive.
"""

from __future__ import annotations

import re
from html import unescape

import nh3

TAGS = {"p", "br", "h2", "h3", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote", "span"}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math", "textarea"}
ATTRIBUTES = {"*": {"lang", "dir"}, "a": {"href", "title"}}

_cleaner = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags=DROP_WITH_CONTENT,
    attributes=ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean_body(html: str) -> str:
    return _cleaner.clean(html or "")


def to_text(html: str) -> str:
    """The plain-text twin of a (clean) body: paragraphs, list items and links kept readable."""
    text = re.sub(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', r"\2 (\1)", html, flags=re.S)
    text = re.sub(r"<li[^>]*>", "- ", text)
    text = re.sub(r"</(p|h2|h3|li|blockquote|ul|ol)>|<br\s*/?>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = unescape(text)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()
