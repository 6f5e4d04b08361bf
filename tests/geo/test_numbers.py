"""The platform's one numeric and date rule (geo.numbers): "." groups thousands, "," is the decimal mark, whole đồng.

The rule through the API is tested in tests/proposals/test_numbers_api.py.
"""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from geo.numbers import NumberRefused, format_number, read_date, read_number, read_percent
from geo.text import code_key, fold


@pytest.mark.parametrize("text, expected", [
    ("150.000", 150_000), ("1.500.000", 1_500_000), ("300.000.000", 300_000_000), ("300.000.000 đ", 300_000_000),
    ("1 500 000", 1_500_000), ("1\u00a0500\u00a0000 đồng", 1_500_000), ("150000", 150_000), (150_000, 150_000), (150.0, 150),
])
def test_whole_dong_the_vietnamese_way(text, expected):
    assert read_number(text) == expected


@pytest.mark.parametrize("text, expected", [("86,5", Decimal("86.5")), ("1.500,25", Decimal("1500.25")), ("0,5", Decimal("0.5")),
                                            ("1.5", Decimal("1.5")), ("2.50", Decimal("2.5"))])  # a dot that cannot group thousands
def test_decimal_comma(text, expected):
    assert read_number(text, decimals=2) == expected


@pytest.mark.parametrize("text, reason", [
    ("150,000", "150.000"),          # English grouping or 150 with a decimal comma: refused, with the way to write it
    ("1,500,000", "1.500.000"),
    ("0.125", "0,125"),              # 0.125 or 125? a group of thousands never starts with 0
    ("12.34.5", "1.500.000"),
    ("abc", "1.500.000"),
])
def test_ambiguous_or_unreadable_text_is_refused_with_the_reason(text, reason):
    with pytest.raises(NumberRefused) as refused:
        read_number(text, decimals=2)
    assert reason in str(refused.value)


@pytest.mark.parametrize("value", [150.5, "150,5", Decimal("0.1"), True, None, float("nan"), float("inf"), "", [1]])
def test_no_fraction_of_a_dong_and_no_non_numbers(value):
    with pytest.raises(NumberRefused):
        read_number(value, decimals=0)


def test_percent_cells_and_typed_percentages():
    assert read_percent(0.6, number_format="0%", decimals=0) == 60          # Excel stores 60 % as 0.6
    assert read_percent(1, number_format="0%", decimals=0) == 100           # 100 % used to become 1 %
    assert read_percent(0.865, number_format="0.0%", decimals=1) == Decimal("86.5")
    assert read_percent("86,5", decimals=1) == Decimal("86.5") and read_percent("60 %", decimals=0) == 60
    assert read_percent(60, decimals=0) == 60                              # a plain number cell is already in percent


def test_dates_by_one_rule():
    assert read_date("05/03/2026") == read_date("5/3/2026") == read_date("2026-03-05") == read_date("05.03.2026") == date(2026, 3, 5)
    assert read_date(46086) == date(2026, 3, 5)                            # Excel serial number
    for bad in ("13/13/2026", "2026/03/05", "hôm qua", 1.5, True):
        with pytest.raises(NumberRefused):
            read_date(bad)


def test_impossible_years_are_refused_not_kept():
    """Found in review: a meeting on 01/01/0001, a payment on 31/12/9999 and Excel's serial 1 (1899/1900) were saved."""
    for bad in ("01/01/0001", "31/12/9999", "0001-01-01", 1, date(1900, 1, 1)):
        with pytest.raises(NumberRefused, match="1901"):
            read_date(bad)
    assert read_date("01/01/1901") == date(1901, 1, 1) and read_date("31/12/2100") == date(2100, 12, 31)


@given(st.integers(min_value=-10**15, max_value=10**15))
@example(150_000)
@example(1_500_000)
def test_any_whole_number_written_the_vietnamese_way_reads_back_equal(n):
    assert read_number(format_number(n)) == n
    assert read_number(str(n)) == n
    assert read_number(n) == n


@given(st.integers(min_value=1000, max_value=10**15))
def test_english_grouping_is_never_read_silently(n):
    english = f"{n:,}"  # 1,500,000
    with pytest.raises(NumberRefused):
        read_number(english)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_decimal_comma_reads_back_and_an_english_decimal_point_is_never_misread(d):
    assert read_number(format_number(d, decimals=2), decimals=2) == d
    english = f"{d:f}"
    try:
        value = read_number(english, decimals=2)
    except NumberRefused:
        return
    # Read at all only when the text means the same in both conventions ("150" or a dot grouping exactly three digits).
    assert value == d or ("." in english and len(english.split(".")[1]) == 3)


@given(st.text(max_size=20))
def test_any_text_is_a_number_or_a_refusal_never_an_exception(text):
    try:
        read_number(text, decimals=2)
    except NumberRefused:
        pass


def test_folding_for_search_and_codes():
    assert fold("Hoà") == fold("Hòa") == fold("HOÀ") == fold("Ho\u0300a") == fold("Hoa\u0300") == "hoa"
    assert fold("Đông") == fold("Ðông") == fold("ƉÔNG") == "dong"
    assert fold("Ноà") == "hoa"  # Cyrillic Н and о pasted from elsewhere
    assert fold("Thuý  Lâm") == fold("Thúy Lâm")
    assert code_key("da‐01 ") == code_key("DA-01") == code_key("ＤＡ－01")
