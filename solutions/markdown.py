"""Limited Markdown for solutions and comments, rendered and sanitised on the server.

markdown-it parses with raw HTML disabled (any tag typed is shown as text), then nh3 keeps only a
short list of tags. Images are never kept (a remote image is a tracking pixel), links get
rel="nofollow noopener ugc" and only http(s) and mailto schemes survive.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(["image"])

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a", "code", "pre", "h3", "h4"}
ATTRIBUTES = {"a": {"href"}}


def render(text: str) -> str:
    # Headings are demoted so a body never competes with the page's own h1/h2.
    html = _md.render(text or "")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    for level in (5, 6):
        html = html.replace(f"<h{level}>", "<h4>").replace(f"</h{level}>", "</h4>")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )
