from django import template

register = template.Library()


@register.simple_tag
def partner_kits(partner):
    """The action kits for the partner's sector (the action kits issue fills this in)."""
    return []
