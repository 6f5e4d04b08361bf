"""One formatting rule on the server (issue 15, part 5): numbers and money follow the page's language."""
from django.template import Context, Template
from django.utils import translation


def render(text, **context):
    return Template("{% load humanize_vnd %}" + text).render(Context(context))


def test_money_is_grouped_the_page_language_s_way():
    with translation.override("vi"):
        assert render("{{ v|vnd }} đồng", v=1_500_000) == "1.500.000 đồng"
        assert render("{{ v|vnd_millions }}", v=1_234_500_000) == "1.234,5"
    with translation.override("en"):
        assert render("{{ v|vnd }} VND", v=1_500_000) == "1,500,000 VND"
        assert render("{{ v|vnd_millions }}", v=1_234_500_000) == "1,234.5"


def test_decimals_use_the_decimal_comma_in_vietnamese():
    with translation.override("vi"):
        assert render("{{ v|floatformat:1 }} %", v=13.6) == "13,6 %"
        assert render("{{ v|floatformat:3 }}", v=0.86) == "0,860"
    with translation.override("en"):
        assert render("{{ v|floatformat:1 }} %", v=13.6) == "13.6 %"
