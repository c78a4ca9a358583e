from django import template

register = template.Library()


@register.simple_tag
def partner_stories(partner):
    """The partner's own stories, newest first (the stories issue fills this in)."""
    return []
