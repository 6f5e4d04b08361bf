"""Money in the interface: whole đồng with "." as the thousands separator."""
from django import template

register = template.Library()


@register.filter
def vnd(value):
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""
