"""Every page of each role speaks one language (issue 15, part 5): in Vietnamese no word the catalogues translate is
left in English (a label, a button, a status, a map or date-picker control), and in English no status, sector or menu
word is left in Vietnamese. Real Chromium, after the pages' scripts have drawn their tables and maps.

The known words are the project's own catalogues (each msgid whose Vietnamese differs) and the English of the browser
libraries we translate (Leaflet's zoom buttons, Leaflet.draw's toolbar, flatpickr's months and weekdays).
"""
import re
from pathlib import Path

import pytest

from tests.frontend.test_every_page import LANDING, every_page, pages_of
from tests.test_glossary import entries_with_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=False)]
ROOT = Path(__file__).resolve().parents[2]

# The libraries' own English, as they print it when nobody translates them.
LIBRARY_ENGLISH = {
    "Zoom in", "Zoom out", "Draw a polyline", "Draw a polygon", "Draw a rectangle", "Draw a circle", "Draw a marker",
    "Draw a circlemarker", "Cancel drawing", "Finish drawing", "Delete last point drawn", "Delete last point",
    "Edit layers", "Delete layers", "No layers to edit", "No layers to delete", "Save changes", "Clear all layers",
    "Clear All", "Click map to place marker.", "Click to start drawing line.", "Click to start drawing shape.",
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
}
# Words both languages write alike (names, formats, units, codes), or too short to tell.
SAME_IN_BOTH = re.compile(r"^[\W\d_]*$|^(slug|Excel|GeoJSON|PDF|PNG|CSV|KML|ODA|VND|Gini)$")

WORDS = """() => {
    const found = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {acceptNode: n =>
        n.parentElement.closest('script, style, template, noscript') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    for (let n = walker.nextNode(); n; n = walker.nextNode()) { const t = n.textContent.trim(); if (t) found.add(t); }
    for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
        for (const a of ['title', 'aria-label', 'placeholder', 'alt']) { const v = (el.getAttribute(a) || '').trim(); if (v) found.add(v); }
    }
    for (const o of document.querySelectorAll('option')) { const t = o.textContent.trim(); if (t) found.add(t); }
    return [...found];
}"""


def translated_pairs():
    """(msgid, msgstr) of every entry whose Vietnamese differs from its English."""
    return [(msgid.replace('\\"', '"'), msgstr.replace('\\"', '"')) for _app, _context, msgid, msgstr in entries_with_context()
            if msgid != msgstr and not SAME_IN_BOTH.match(msgid)]


ENGLISH = {msgid for msgid, _msgstr in translated_pairs()} | LIBRARY_ENGLISH
# A Vietnamese msgstr that is also an English msgid elsewhere cannot tell the language: left out (none today).
VIETNAMESE = {msgstr for _msgid, msgstr in translated_pairs()} - ENGLISH


def words_out_of_language(page, language):
    """The page's words of the other language; fails if the page shows none of its own (then it was not switched)."""
    words = set(page.evaluate(WORDS))
    # a text node may hold a word and its punctuation ("Trạng thái:"): compared without it too
    words |= {word.strip(" :·()–-") for word in words}
    own, other = (VIETNAMESE, ENGLISH) if language == "vi" else (ENGLISH, VIETNAMESE)
    assert words & own, f"{page.url} shows no word of {language}"
    return sorted(words & other)


@pytest.fixture(params=["vi", "en"])
def language_page(request, page, live_url):
    page.context.add_cookies([{"name": "django_language", "value": request.param, "url": live_url}])
    return request.param, page


@pytest.mark.parametrize("username", list(LANDING))  # every demo role of the README
def test_every_page_of_the_role_speaks_its_language(language_page, login, username):
    language, page = language_page
    found = {}
    for path in every_page(page, pages_of(page, login, username)):
        wrong = words_out_of_language(page, language)
        if wrong:
            found[path] = wrong
    assert found == {}


def test_the_public_pages_speak_their_language(language_page):
    language, page = language_page
    found = {}
    page.goto("/", wait_until="load")
    menu = page.eval_on_selector_all("[data-testid=menu] a", "links => links.map(a => a.getAttribute('href'))")
    for path in every_page(page, [*menu, "/accounts/login/", "/accounts/password-reset/", "/no-such-page/"]):
        wrong = words_out_of_language(page, language)
        if wrong:
            found[path] = wrong
    assert found == {}
