"""Words and numbers of the province map, shared by the comparison page and the map drawn as PNG.

Money on the map is read in millions of VND, as in Vietnamese plans: "1.234,5 triệu đồng" in
Vietnamese (dot groups thousands, comma marks decimals), "1,234.5 million VND" in English, by the
active language's formats (`frontend/formats`). The page's JavaScript follows the same rule
(`millions` in province/js/compare.js).
"""
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext_lazy as _

from province.selectors import MEASURES

MEASURE_LABELS = {
    "total_investment": _("Total investment"), "per_resident": _("Per resident"), "per_km2": _("Per km²"),
    "planned": _("Planned"), "allocated": _("Allocated (approved plans)"), "disbursed": _("Disbursed"),
}
# The unit a measure is read in, once divided by a million.
MEASURE_UNITS = {
    "total_investment": _("million VND"), "planned": _("million VND"), "allocated": _("million VND"), "disbursed": _("million VND"),
    "per_resident": _("million VND per resident"), "per_km2": _("million VND per km²"),
}
assert set(MEASURE_LABELS) == set(MEASURES) == set(MEASURE_UNITS)


def million_digits(millions) -> int:
    """How many decimals a figure in millions keeps: none from 100 up, one from 1, two below (0,05 triệu)."""
    size = abs(millions)
    return 0 if size >= 100 else 1 if size >= 1 else 2


def millions(vnd) -> str:
    """VND as millions in the active language, trailing decimal zeros dropped: 3_050_000_000 → "3.050" (vi)."""
    if vnd is None:
        return "—"
    value = Decimal(vnd) / Decimal(1_000_000)
    digits = million_digits(value)
    rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = number_format(rounded, decimal_pos=digits, use_l10n=True, force_grouping=True)
    if digits:
        separator = get_format("DECIMAL_SEPARATOR")
        text = text.rstrip("0").rstrip(separator) if separator in text else text
    return text
