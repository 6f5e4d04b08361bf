"""`{{ url|safe_link }}`: the address when it may be a live link (core.links.is_safe_link), else ""."""
from django import template

from core.links import is_safe_link

register = template.Library()


@register.filter
def safe_link(url):
    """The address unchanged if it is http(s) or relative, otherwise an empty string (the template then
    shows the text without a link)."""
    return url if is_safe_link(url) else ""
