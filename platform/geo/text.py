"""Vietnamese text helpers: one folding for search and for matching names and codes.

Vietnamese arrives in several spellings of the same word: precomposed (NFC) or decomposed (NFD),
the tone mark on either vowel ("hoà"/"hòa", "thuý"/"thúy"), "Đ" typed as the look-alike "Ð"
(U+00D0) or "Ɖ", Cyrillic or Greek letters pasted from elsewhere ("Ноà" with a Cyrillic Н and о),
full-width digits and non-breaking spaces from Word. `fold` maps them all to one key.
"""
import re
import unicodedata

# Letters that look like Latin ones in Vietnamese names (lower case, after casefold).
_LOOKALIKES = str.maketrans({
    "đ": "d", "ð": "d", "ɖ": "d",
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
})
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, no diacritics, look-alikes as Latin, one space: "Đường Thôn Hoà" and "ÐUỜNG thôn hòa" → "duong thon hoa"."""
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(_LOOKALIKES)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip()


def code_key(text) -> str:
    """A code (project, commune, village) as compared: NFKC, upper case, look-alike dashes as "-", no spaces.

    "da‐01 " and "DA-01" (Unicode hyphen, full-width letters) are the same code.
    """
    text = unicodedata.normalize("NFKC", str(text if text is not None else "")).casefold().translate(_LOOKALIKES)
    return re.sub(r"\s+", "", text).upper()


# The kinds a Vietnamese unit's name starts with, longest first ("Thị trấn" before "Thị xã" does not matter, "Thành phố"
# before nothing shorter): written in lower case inside a sentence.
_UNIT_KINDS = ("Thành phố", "Thị trấn", "Thị xã", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")


def in_sentence(name: str) -> str:
    """A unit's name as written inside a line of text: the kind in lower case, the proper name as is
    ("Huyện Yên Phong" → "huyện Yên Phong", so "UBND huyện Yên Phong"; "Thị trấn Chờ" → "thị trấn Chờ")."""
    for kind in _UNIT_KINDS:
        if name.startswith(kind + " "):
            return kind.lower() + name[len(kind):]
    return name
