"""Vietnamese text helpers."""
import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip diacritics, with "đ" as "d": "Đường Thôn Đông" → "duong thon dong"."""
    text = (text or "").lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
