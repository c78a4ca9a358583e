"""An allow-list HTML cleaner for kit bodies.

Kit bodies are written by editors and shown with `|safe` on public pages. The
editors are trusted staff, but an account can be phished and text is often
pasted from elsewhere, so only structural tags survive: no scripts, styles,
event handlers or `javascript:` links. Unknown tags are dropped, their text kept.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "a", "br", "blockquote",
    "table", "caption", "thead", "tbody", "tr", "th", "td", "abbr", "span",
}  # fmt: skip
VOID_TAGS = {"br"}
DROP_CONTENT = {"script", "style", "iframe", "object", "template", "noscript"}
ALLOWED_ATTRS = {"a": {"href", "hreflang"}, "th": {"scope", "colspan"}, "abbr": {"title"}, "td": {"colspan"}}
GLOBAL_ATTRS = {"lang", "dir"}
SAFE_SCHEMES = ("http://", "https://", "mailto:", "/", "#")


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROP_CONTENT:
            self.skipping += 1
            return
        if self.skipping or tag not in ALLOWED_TAGS:
            return
        if tag in ("li", "p") and self.open and self.open[-1] == tag:
            # An unclosed <li> or <p> ends where the next one starts, as browsers read it.
            self.out.append(f"</{self.open.pop()}>")
        kept = []
        for name, value in attrs:
            if value is None or (name not in GLOBAL_ATTRS and name not in ALLOWED_ATTRS.get(tag, set())):
                continue
            if name == "href" and not value.strip().lower().startswith(SAFE_SCHEMES):
                continue
            kept.append(f' {name}="{escape(value, quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in DROP_CONTENT:
            self.skipping = max(self.skipping - 1, 0)
            return
        if self.skipping or tag not in self.open:
            return
        # Close anything left open inside this element, then the element.
        while self.open:
            current = self.open.pop()
            self.out.append(f"</{current}>")
            if current == tag:
                break

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(escape(data, quote=False))

    def close(self):
        super().close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")


def clean_html(text: str) -> str:
    cleaner = _Cleaner()
    cleaner.feed(text or "")
    cleaner.close()
    return "".join(cleaner.out)
