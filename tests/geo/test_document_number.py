"""The one field that reads a document number (geo.documents.DocumentNumberField, Decree 30 Art. 8): digits 0-9 and
letters of the Vietnamese alphabet only; other scripts' digits and look-alike letters printed "Số: ٥/UBND" (review rv15e)."""
import unicodedata

import pytest
from rest_framework import serializers

from geo.documents import DocumentNumberField


@pytest.mark.parametrize("typed", ["12", "12/KH-UBND", "45/2026/QĐ-UBND", "20/NQ-HĐND", "7/UBND-TCKH"])
def test_a_decree_30_number_is_kept_as_typed(typed):
    assert DocumentNumberField().to_internal_value(typed) == typed


def test_a_vietnamese_letter_typed_as_a_letter_and_a_mark_is_kept_composed():
    assert DocumentNumberField().to_internal_value(unicodedata.normalize("NFD", "3/QĐ-ƯB")) == "3/QĐ-ƯB"


@pytest.mark.parametrize("typed", ["٥/UBND", "５/UBND", "5/ＵＢＮＤ", "5/𝐔𝐁𝐍𝐃", "5/ⅫKH", "Số 5/UBND", "5//UBND", "5/UBND-",
                                   "5/UBND_TCKH", "5/<b>X</b>"])
def test_other_digits_letters_and_shapes_are_refused(typed):
    with pytest.raises(serializers.ValidationError):
        DocumentNumberField().to_internal_value(typed)
