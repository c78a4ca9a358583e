from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from actionkits import selectors
from actionkits.html import clean_html
from actionkits.models import ActionKit, KitTranslation

register = template.Library()


@register.filter
def kit_body(body: str) -> SafeString:
    """A kit body as HTML, cleaned again as it is shown.

    Bodies are cleaned when saved, but rows can also arrive by other paths
    (restored old versions cleaned by an older policy, fixtures, a shell), and
    cleaning a few kilobytes costs microseconds.
    """
    return mark_safe(clean_html(body))  # noqa: S308 - the output of the allow-list cleaner


@dataclass(frozen=True)
class PartnerKit:
    kit: ActionKit
    translation: KitTranslation
    is_fallback: bool
    download: KitTranslation | None


@register.simple_tag
def partner_kits(partner) -> list[PartnerKit]:
    """The action kits for the partner's sector, in the current language, with their download file.

    Kits for the sector's audience and kits restricted to the sector; three
    queries whatever the number of kits.
    """
    if partner is None:
        return []
    language = get_language() or "en"
    result = []
    for kit in selectors.kits_for_partner(partner=partner):
        shown = selectors.kit_in_language(kit, language)
        if shown is None:
            continue
        result.append(
            PartnerKit(
                kit=kit,
                translation=shown.translation,
                is_fallback=shown.is_fallback,
                download=selectors.download_translation(kit, language),
            )
        )
    return result
