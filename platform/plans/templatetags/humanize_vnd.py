"""Money in the interface: whole đồng, grouped the page language's way ("1.500.000" in Vietnamese, "1,500,000" in English).

The server's one number rule for display: Django's `formats.number_format` with the formats of `frontend/formats/<lang>/`
(USE_THOUSAND_SEPARATOR, "." and "," in Vietnamese), the same separators as `UI.number` (Intl.NumberFormat) on the pages.
"""
from django import template
from django.utils import formats

register = template.Library()


@register.filter
def vnd(value):
    """Whole đồng: 1500000 → "1.500.000" (vi) or "1,500,000" (en); "" for what is not a number."""
    try:
        return formats.number_format(int(value), decimal_pos=0, use_l10n=True, force_grouping=True)
    except (TypeError, ValueError):
        return ""


@register.filter
def vnd_millions(value, digits=1):
    """Đồng shown in millions, as plans show money: 1234500000 → "1.234,5" (vi) or "1,234.5" (en)."""
    try:
        millions = round(int(value) / 1_000_000, int(digits))
    except (TypeError, ValueError):
        return ""
    text = formats.number_format(millions, decimal_pos=int(digits), use_l10n=True, force_grouping=True)
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    return text.rstrip("0").rstrip(decimal) if decimal in text else text
