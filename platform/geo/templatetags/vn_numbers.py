"""`{{ value|vn_number:2 }}`: a number written the way geo.numbers reads it back ("300.000.000", "86,5"), whatever the
interface language, so a prefilled field saved again means the same number."""
from django import template

from geo.numbers import format_number

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    if value is None or value == "":
        return ""
    return format_number(value, decimals=int(decimals))
