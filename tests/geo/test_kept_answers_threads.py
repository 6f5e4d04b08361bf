"""The answers and statements a process keeps (geo.kept) under gthread workers: several threads of one process
insert at once (review rv13d: `RuntimeError: dictionary changed size during iteration`, a 500, from the walk over
every kept answer while another thread inserted)."""
import sys
import threading

from geo import kept


def test_threads_keeping_answers_at_once_never_fail_and_stay_within_the_bound(monkeypatch):
    monkeypatch.setattr(kept, "ANSWER_BYTES_KEPT", 40_000)  # a few hundred answers: evictions all the time
    kept.forget_answers()
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, as a loaded worker does
    errors = []

    def keep(n):
        try:
            for i in range(3000):
                kept._keep_answer(("test", n, i), 1, "x" * (50 + i % 200), compressed=False)
        except Exception as error:  # noqa: BLE001 - what a thread raised is the finding
            errors.append(repr(error))

    threads = [threading.Thread(target=keep, args=(n,)) for n in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(before)
    assert errors == []
    total = sum(len(a[1]) + len(a[2] or b"") for a in kept._ANSWERS.values())
    assert total == kept._answer_bytes and total <= 40_000 and len(kept._ANSWERS) > 100
    kept.forget_answers()
    assert kept._ANSWERS == {} and kept._answer_bytes == 0
