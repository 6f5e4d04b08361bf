"""The document locks, slots and waiting places (geo/documents.py's concurrency), across every worker process.

- Slots: at most DOCUMENT_PDF_SLOTS PDF conversions (PDF_LOCK_CLASS) and as many Word builds (BUILD_LOCK_CLASS) run at
  once, each holding a session-level PostgreSQL advisory lock `(class, slot)`, slot 0…SLOTS-1, freed by the database
  if the worker dies; a request that finds none free within DOCUMENT_PDF_WAIT seconds raises ConversionsBusy (503).
- One at a time: the same document (SAME_LOCK_CLASS, a hash of its key) is made by one request; the others wait for it.
- Waiting places: at most DOCUMENT_WAITERS requests of a process wait for another's document (each holds a gthread
  thread), so a thread stays free for /healthz; one more raises BuildsBusy at once.
See docs/OPERATIONS.md, "Documents as PDF".
"""
import hashlib
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connection


class DocumentUnavailable(Exception):
    """The PDF could not be made (LibreOffice missing, failed or too slow): the API answers 503."""


class ConversionsBusy(DocumentUnavailable):
    """Every PDF conversion slot stayed taken for DOCUMENT_PDF_WAIT seconds: the API answers 503 with Retry-After."""


class BuildsBusy(ConversionsBusy):
    """Every Word-building slot is taken: the API answers 503 with Retry-After."""


# The advisory-lock key space of the conversion slots: pg_try_advisory_lock(PDF_LOCK_CLASS, slot), slot 0…SLOTS-1.
PDF_LOCK_CLASS = 0x5EDF
# The advisory-lock key space of the building slots (Word files), as PDF_LOCK_CLASS is of the conversions.
BUILD_LOCK_CLASS = 0x5EE0

# The advisory-lock key space of the documents being built or converted: pg_try_advisory_lock(SAME_LOCK_CLASS, key hash).
SAME_LOCK_CLASS = 0x5EE1


@contextmanager
def one_at_a_time(key: str):
    """Hold the lock of one document (`key`: its content key, or its district and name) while it is built or converted:
    a request for a document another request is already making waits for it (polling a session-level advisory lock,
    at most DOCUMENT_SAME_WAIT seconds, default DOCUMENT_PDF_TIMEOUT) and then reads the cache, instead of taking a slot
    of its own or answering 503 (review rv15d, finding 2). A waiting request holds its thread: at most DOCUMENT_WAITERS
    requests of a process wait at once (default WEB_THREADS - 2), so that a thread stays free for /healthz and the
    other pages whatever an anonymous caller asks (review rv15e, finding A); one more is a 503 at once.
    Raises BuildsBusy when no waiting place is free, or when the other request is still at it after the wait."""
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big", signed=True)
    if not _try_lock(SAME_LOCK_CLASS, number):
        if not _start_waiting():
            raise BuildsBusy("every waiting place of this process is taken")
        try:
            deadline = time.monotonic() + settings.DOCUMENT_SAME_WAIT
            while not _try_lock(SAME_LOCK_CLASS, number):
                if time.monotonic() >= deadline:
                    raise BuildsBusy("the same document is still being made")
                time.sleep(0.1)
        finally:
            _stop_waiting()
    try:
        yield
    finally:
        _free_slot(SAME_LOCK_CLASS, number)


_waiting = 0  # requests of this process waiting for a document another request makes (one_at_a_time)
_waiting_lock = threading.Lock()


def _start_waiting() -> bool:
    global _waiting
    with _waiting_lock:
        if _waiting >= settings.DOCUMENT_WAITERS:
            return False
        _waiting += 1
        return True


def _stop_waiting() -> None:
    global _waiting
    with _waiting_lock:
        _waiting -= 1


def _try_lock(lock_class: int, number: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [lock_class, number])
        return cursor.fetchone()[0]


def _free_slot(lock_class: int, slot: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [lock_class, slot])


def _take_slot(lock_class: int) -> int:
    """Take a free slot of `lock_class` (a session-level advisory lock, freed by the database if the worker dies): at
    once, or within DOCUMENT_PDF_WAIT seconds (default 0: no request is held waiting); ConversionsBusy when none is free."""
    deadline = time.monotonic() + settings.DOCUMENT_PDF_WAIT
    while True:
        with connection.cursor() as cursor:
            for slot in range(settings.DOCUMENT_PDF_SLOTS):
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [lock_class, slot])
                if cursor.fetchone()[0]:
                    return slot
        if time.monotonic() >= deadline:
            raise ConversionsBusy("every PDF conversion slot is taken")
        time.sleep(0.25)
