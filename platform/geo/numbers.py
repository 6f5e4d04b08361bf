"""One rule for numbers and dates as Vietnamese offices type them, for the API, the imports and the forms.

Numbers (Decision 07/2015 tables are in whole đồng, percentages and counts):
- `.` groups thousands and `,` is the decimal mark: "150.000" = 150000, "1.500.000" = 1500000,
  "86,5" = 86.5, "1.500,5" = 1500.5. Spaces (also non-breaking) may group thousands: "1 500 000".
  A single dot that cannot group thousands (not followed by exactly three digits: "1.5", "2.50", as JSON
  clients and DRF's own decimal output write them) is a decimal point: there is only one reading.
- A trailing "đ", "đồng", "VND" or "%" is allowed and dropped.
- What cannot be read one way only is refused with the reason, never guessed: "150,000" (English
  grouping, or 150 with a decimal comma?), "1,500,000" (commas never group in Vietnamese input),
  "0.125" (a group of thousands cannot start with 0: 0.125 or 125?).
- JSON numbers stay numbers: 150 and 150.0 are 150; a fraction where whole units are expected
  (150.5 đồng) is refused.
Dates: a date or datetime, an Excel serial number (days since 1899-12-30), "dd/mm/yyyy" (also with
`-` or `.`, one-digit day and month allowed) or ISO "yyyy-mm-dd". "mm/dd/yyyy" is never guessed.

Every refusal raises `NumberRefused` (a ValueError) whose message is translated; the DRF fields
below turn it into a 400 naming the field.
"""
import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.formats import get_format
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_WHOLE = 10**15

_UNITS = re.compile(r"\s*(đồng|đ|vnd|vnđ|%)\s*$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN = re.compile(r"^\d+$")
_DOT_GROUPED = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")
_SPACE_GROUPED = re.compile(r"^[1-9]\d{0,2}( \d{3})+(,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
_COMMA_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+$")
_DOT_DECIMAL = re.compile(r"^\d+\.(\d{1,2}|\d{4,})$")
_ZERO_GROUP = re.compile(r"^0\.\d{3}$")


class NumberRefused(ValueError):
    """A value that the numeric or date rule cannot read one way only; `str()` is the reason, translated."""


def read_number(value, *, decimals: int = 0) -> Decimal:
    """Read `value` (int, float, Decimal or text typed the Vietnamese way) as a Decimal with at most `decimals` places.

    decimals=0 means whole units (đồng, people, percent points of physical progress).
    Raises NumberRefused with the reason for booleans, NaN/infinity, empty text, ambiguous text
    ("150,000", "1.5", "1,500,000") and more decimal places than allowed.
    """
    if isinstance(value, bool) or value is None:
        raise NumberRefused(_("A number is expected."))
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise NumberRefused(_("A number is expected."))
        number = Decimal(repr(value))
    elif isinstance(value, str):
        number = _read_text(value)
    else:
        raise NumberRefused(_("A number is expected."))
    if not number.is_finite():
        raise NumberRefused(_("A number is expected."))
    if number != number.to_integral_value() and number.normalize().as_tuple().exponent < -decimals:
        if decimals == 0:
            raise NumberRefused(_("Whole numbers only: %(value)s has a fraction.") % {"value": _show(value)})
        raise NumberRefused(_("At most %(n)s decimal places: %(value)s.") % {"n": decimals, "value": _show(value)})
    return number


def _show(value):
    """The value as the person would read it back: text as typed, numbers the Vietnamese way (150.5 → "150,5")."""
    if isinstance(value, str):
        return value
    try:
        return format_number(Decimal(repr(value)) if isinstance(value, float) else value, decimals=12)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


def _read_text(text: str) -> Decimal:
    raw = text
    text = _UNITS.sub("", text.strip()).strip()
    negative = text.startswith("-") or text.startswith("−")
    if negative:
        text = text[1:].strip()
    text = _SPACES.sub(" ", text)
    if not text:
        raise NumberRefused(_("A number is expected."))
    if _PLAIN.match(text):
        digits = text
    elif _DOT_GROUPED.match(text) or _SPACE_GROUPED.match(text):
        digits = text.replace(".", "").replace(" ", "").replace(",", ".")
    elif _COMMA_GROUPED.match(text):
        raise NumberRefused(_(
            "“%(value)s” cannot be read one way only: in Vietnamese input “.” groups thousands and “,” is the decimal "
            "mark. Write %(grouped)s if a whole number is meant."
        ) % {"value": raw, "grouped": text.replace(",", ".")})
    elif _DECIMAL_COMMA.match(text):
        digits = text.replace(",", ".")
    elif _DOT_DECIMAL.match(text):
        digits = text
    elif _ZERO_GROUP.match(text):
        raise NumberRefused(_(
            "“%(value)s” cannot be read one way only: “.” groups thousands (three digits) in Vietnamese input; "
            "write the decimal mark as “,” (%(decimal)s)."
        ) % {"value": raw, "decimal": text.replace(".", ",")})
    else:
        raise NumberRefused(_("“%(value)s” is not a number (write 1.500.000 or 86,5).") % {"value": raw})
    try:
        number = Decimal(digits)
    except InvalidOperation:
        raise NumberRefused(_("“%(value)s” is not a number (write 1.500.000 or 86,5).") % {"value": raw})
    return -number if negative else number


def read_percent(value, *, number_format: str = "", decimals: int = 2) -> Decimal:
    """A percentage 0–100 as typed ("86,5", "60 %") or as an Excel cell formatted as percent (0.6 with format '0%' = 60)."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and "%" in (number_format or ""):
        value = Decimal(repr(value) if isinstance(value, float) else value) * 100
        value = value.quantize(Decimal(1).scaleb(-decimals)) if abs(value - round(value, decimals)) < Decimal("1e-9") else value
    return read_number(value, decimals=decimals)


def format_number(value, *, decimals: int = 0) -> str:
    """The Vietnamese way: 300000000 → "300.000.000", 86.5 → "86,5" (for messages and the forms' echo)."""
    number = Decimal(value)
    sign = "-" if number < 0 else ""
    whole, _dot, fraction = f"{abs(number):f}".partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    fraction = fraction.rstrip("0")[:decimals] if decimals else ""
    return sign + groups + ("," + fraction if fraction else "")


def message_number(value, *, decimals: int = 0) -> str:
    """A number inside a translated message, grouped the way the message's language (the active one) writes numbers:
    Vietnamese 5000 → "5.000", 86.5 → "86,5"; English "5,000", "86.5" (frontend/formats/<lang>/formats.py)."""
    text = format_number(value, decimals=decimals)
    if get_format("DECIMAL_SEPARATOR") == ".":
        text = text.translate(str.maketrans(".,", ",."))
    return text


EXCEL_EPOCH = date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")


DATE_YEARS = (1900, 2100)  # a plan, a meeting or a payment of this platform lies in these years


def read_date(value) -> date:
    """A date from a date/datetime, an Excel serial (1 = 1900-01-01 as Excel counts), "dd/mm/yyyy" or ISO "yyyy-mm-dd",
    in the years DATE_YEARS (01/01/0001, 31/12/9999 or Excel's serial 1 are typing slips, not dates to keep).

    Raises NumberRefused naming the expected form.
    """
    found = _read_date(value)
    if not DATE_YEARS[0] < found.year <= DATE_YEARS[1]:
        raise NumberRefused(_("%(value)s is not a plausible date: the year must lie between %(first)s and %(last)s.")
                            % {"value": f"{found.day:02d}/{found.month:02d}/{found.year:04d}", "first": DATE_YEARS[0] + 1, "last": DATE_YEARS[1]})
    return found


def _read_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and 1 <= value < 2958466 and float(value).is_integer():
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise NumberRefused(_("Not a date (dd/mm/yyyy): %(value)s") % {"value": value})
    text = str(value or "").strip()
    match = _DMY.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (iso := _ISO.match(text)):
        parts = iso.groups()
    if parts is None and _PLAIN.match(text) and 20000 <= int(text) < 80000:
        return EXCEL_EPOCH + timedelta(days=int(text))  # a date cell exported to text as its serial
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except (TypeError, ValueError):
        raise NumberRefused(_("Not a date (dd/mm/yyyy): %(value)s") % {"value": text})


# ---- DRF fields -------------------------------------------------------------------------------

@extend_schema_field({
    "oneOf": [{"type": "integer"}, {"type": "string", "example": "1.500.000"}],
    "description": "A whole number: a JSON integer, or text written the Vietnamese way ('.' groups thousands).",
})
class WholeNumberField(serializers.Field):
    """A whole number under the rule above (JSON number or Vietnamese text); `to_internal_value` gives an int.

    `error_messages` may replace "invalid" (the rule's reason by default), "min_value" and "max_value".
    """

    def __init__(self, *, min_value=0, max_value=MAX_WHOLE, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        self.custom_messages = dict(kwargs.get("error_messages") or {})
        super().__init__(**kwargs)

    def _refuse(self, code, message):
        raise serializers.ValidationError(str(self.custom_messages.get(code, message)), code=code)

    def to_internal_value(self, data):
        try:
            number = int(read_number(data, decimals=0))
        except NumberRefused as exc:
            self._refuse("invalid", str(exc))
        if self.min_value is not None and number < self.min_value:
            self._refuse("min_value", _("At least %(min)s.") % {"min": message_number(self.min_value)})
        if self.max_value is not None and number > self.max_value:
            self._refuse("max_value", _("At most %(max)s.") % {"max": message_number(self.max_value)})
        return number

    def to_representation(self, value):
        return int(value) if value is not None else None


class VndField(WholeNumberField):
    """Money in whole đồng: 150000, "150.000", "150.000 đ"; never a fraction of a đồng, never negative by default."""


class DecimalInputField(serializers.DecimalField):
    """DRF's DecimalField reading text the Vietnamese way first: "86,5" = 86.5, "1.500,25" = 1500.25, "150,000" refused."""

    def to_internal_value(self, data):
        if isinstance(data, (str, int, float, Decimal)) and not isinstance(data, bool):
            try:
                data = read_number(data, decimals=self.decimal_places if self.decimal_places is not None else 30)
            except NumberRefused as exc:
                raise serializers.ValidationError(str(exc), code="invalid")
        return super().to_internal_value(data)


class DateInputField(serializers.DateField):
    """A date as ISO "yyyy-mm-dd" or "dd/mm/yyyy" (the form offices type); anything else is a 400 naming the field."""

    def to_internal_value(self, value):
        if isinstance(value, datetime):
            raise serializers.ValidationError(_("A date is expected, not a date and time."), code="datetime")
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise serializers.ValidationError(_("Not a date (dd/mm/yyyy): %(value)s") % {"value": value}, code="invalid")
        try:
            return read_date(value)
        except NumberRefused as exc:
            raise serializers.ValidationError(str(exc), code="invalid")
