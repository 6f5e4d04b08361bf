"""Database sessions whose idle clock is written at most once a minute (SESSION_ENGINE = "accounts.sessions").

A session ends SESSION_IDLE_MINUTES after its last request: SESSION_SAVE_EVERY_REQUEST pushes its end forward on
every request. With Django's database store that was a transaction (BEGIN, UPDATE django_session, COMMIT) on every
request, a third of a layer answer's time measured on this machine (bench/layer_answers.py), and on the province's
map a dozen tile requests at once each updating the same row, one waiting for another's lock. This store skips the
write when nothing in the session changed and its end would move by less than SESSION_REFRESH_SECONDS (60): a session
then ends between IDLE − 1 minute and IDLE after its last request, never later. Anything written into the session
(a login, a language, a message) is saved at once, as before.

A cookie that cannot hold a key of ours (Django's: 32 of `VALID_KEY_CHARS`, lower-case letters and digits) is no
session and is never looked up: a quoted cookie `sessionid="…\\000…"` reached PostgreSQL as a key holding NUL, a 500
on every page (review rv23).
"""
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions import middleware
from django.contrib.sessions.backends import db

SESSION_KEY = re.compile(r"[a-z0-9]{8,40}")


class SessionStore(db.SessionStore):
    _stored_expiry = None  # expire_date of the row as loaded (None: no row, or not loaded)

    def _validate_session_key(self, key):
        return bool(key) and SESSION_KEY.fullmatch(key) is not None

    def load(self):
        s = self._get_session_from_db()
        self._stored_expiry = s.expire_date if s else None
        return self.decode(s.session_data) if s else {}

    async def aload(self):
        s = await self._aget_session_from_db()
        self._stored_expiry = s.expire_date if s else None
        return self.decode(s.session_data) if s else {}

    def _idle_clock_only(self, must_create):
        if must_create or self.modified or self._stored_expiry is None or self.session_key is None:
            return False
        return self.get_expiry_date() - self._stored_expiry < timedelta(seconds=settings.SESSION_REFRESH_SECONDS)

    def save(self, must_create=False):
        if not self._idle_clock_only(must_create):
            super().save(must_create=must_create)

    async def asave(self, must_create=False):
        if not self._idle_clock_only(must_create):
            await super().asave(must_create=must_create)


class SessionMiddleware(middleware.SessionMiddleware):
    """Django's, except that an answer its view marked `session_free` leaves the session alone when the request did not
    read it: public reference data, the same for everybody (the administrative units, `geo.apis`), reads neither the
    session nor the user, and loading the session only to push its idle clock (SESSION_SAVE_EVERY_REQUEST) cost the
    home page's commune layer a round trip for a signed-in visitor (docs/GIS.md, "Caching under the data version").
    Such a request does not count as activity: the page that asked for it already did."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if getattr(response, "session_free", False) and session is not None and not session.accessed:
            return response
        return super().process_response(request, response)
