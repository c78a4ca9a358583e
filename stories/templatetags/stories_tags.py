from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def partner_stories(partner):
    """The partner's own stories in every state, newest first, with their media (for the partners dashboard)."""
    from stories.selectors import stories_for_partner

    if partner is None:
        return []
    return list(stories_for_partner(partner=partner)[:20])


@register.filter
def srcset(media, mime_type: str) -> str:
    return media.srcset(mime_type)


@register.filter
def private_url(media, label: str) -> str:
    """The access-checked URL of a media file's original, poster or rendition (for partners and curators)."""
    return media.private_url(label)


STATE_BADGES = {
    "published": "badge-ok",
    "approved": "badge-ok",
    "ready": "badge-ok",
    "changes_requested": "badge-warn",
    "submitted": "",
    "in_review": "",
    "pending": "",
    "processing": "",
    "rejected": "badge-danger",
    "withdrawn": "badge-danger",
    "failed": "badge-danger",
}


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "")
