"""Gunicorn's settings, shared by `deploy/up` and the tests' live server (tests/conftest.py `live_url`).

gthread workers: each of WEB_WORKERS processes (default 3) answers WEB_THREADS requests at once (default 4), so a
request waiting on LibreOffice (a subprocess, geo/documents.py) holds one thread and /healthz and pages keep answering
(docs/OPERATIONS.md, "Documents as PDF"). WEB_TIMEOUT (default 60) is the worker timeout; the settings cap
DOCUMENT_PDF_TIMEOUT below it. Bind address, pid and log files are given on the command line by whoever starts it.
"""
import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "3"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
