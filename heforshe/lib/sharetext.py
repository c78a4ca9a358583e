"""Ready-made share texts per network and language, for champions, events and pledgers."""

from __future__ import annotations

from urllib.parse import quote

from django.utils.translation import gettext as _


def share_text(*, name: str = "") -> str:
    if name:
        return _(
            "%(name)s stands with women and girls for gender equality. I have taken the HeForShe pledge. Join us:"
        ) % {"name": name}
    return _("I have taken the HeForShe pledge for gender equality. Join me:")


def share_links(*, url: str, text: str) -> list[dict]:
    """One link per network, each with the text in the visitor's language (X is shorter)."""
    u, t = quote(url, safe=""), quote(text, safe="")
    short = quote(text[:200], safe="")
    return [
        {
            "network": "x",
            "label": _("Share on X"),
            "href": f"https://twitter.com/intent/tweet?text={short}&url={u}&hashtags=HeForShe",
        },
        {
            "network": "facebook",
            "label": _("Share on Facebook"),
            "href": f"https://www.facebook.com/sharer/sharer.php?u={u}",
        },
        {
            "network": "linkedin",
            "label": _("Share on LinkedIn"),
            "href": f"https://www.linkedin.com/sharing/share-offsite/?url={u}",
        },
        {"network": "whatsapp", "label": _("Share on WhatsApp"), "href": f"https://wa.me/?text={t}%20{u}"},
        {"network": "telegram", "label": _("Share on Telegram"), "href": f"https://t.me/share/url?url={u}&text={t}"},
        {
            "network": "weibo",
            "label": _("Share on Weibo"),
            "href": f"https://service.weibo.com/share/share.php?url={u}&title={t}",
        },
        {"network": "vk", "label": _("Share on VK"), "href": f"https://vk.com/share.php?url={u}&title={t}"},
        {"network": "email", "label": _("Share by email"), "href": f"mailto:?subject=HeForShe&body={t}%20{u}"},
    ]
