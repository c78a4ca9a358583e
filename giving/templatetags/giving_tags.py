"""`{% partner_sponsorship partner %}`: a partner page shows its sponsor tier without the partners app importing giving."""

from __future__ import annotations

from django import template

from giving.selectors import partner_sponsorships

register = template.Library()


@register.inclusion_tag("giving/_partner_sponsorship.html")
def partner_sponsorship(partner):
    return {"sponsorships": partner_sponsorships(partner_id=partner.pk)}
