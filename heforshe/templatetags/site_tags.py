from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from heforshe.lib import links

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in each of the site's languages, for the switcher and hreflang."""
    request = context.get("request")
    # The request path may be `//evil.example/`: every link built from it stays on the site.
    path = links.local_path(request.get_full_path() if request else "/")
    current = get_language()
    result = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        result.append(
            {
                "code": code,
                "name_local": info["name_local"],
                "url": links.local_path(translate_url(path, code)),
                "active": code == current,
                "bidi": info["bidi"],
            }
        )
    return result


@register.filter
def local_path(value) -> str:
    """A path from the request made safe to write after SITE_URL or into an href."""
    return links.local_path(value)


@register.simple_tag(takes_context=True)
def sign_in_url(context) -> str:
    """The sign-in page, coming back to the current page."""
    request = context.get("request")
    return links.sign_in_url(request.get_full_path() if request else "/")
