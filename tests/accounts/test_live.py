"""Over real sockets and real processes: limits hold across gunicorn workers, an unreachable database is a
503, and the API docs render with no network but the server's own.

The servers run in their own processes, so what they write is committed; each test removes it through a
connection of its own.
"""
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.conf import settings

from tests.conftest import DEMO_PASSWORD, ROOT, _free_port

pytestmark = pytest.mark.django_db
LIMIT = 5


def database():
    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    return psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"], autocommit=True)


def call(url, method="GET", data=None, headers=None):
    """(status, headers, body) of one HTTP request, errors included."""
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def forget_logins():
    """Remove what the live server's login attempts wrote (attempts, failure log, tokens) for the given names and addresses."""
    names, addresses = [], []
    yield names, addresses
    with database() as conn:
        for table in ("axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"):
            conn.execute(f"DELETE FROM public.{table} WHERE username = ANY(%s) OR host(ip_address) = ANY(%s)", [names, addresses])
        conn.execute("DELETE FROM public.knox_authtoken WHERE user_id IN (SELECT id FROM public.accounts_user WHERE username = ANY(%s))", [names])


def test_failed_logins_are_counted_across_the_server_workers(live_url, forget_logins):
    """Wrong passwords sent at once to the 2-worker gunicorn lock the account and the address for every worker."""
    names, addresses = forget_logins
    user, spray, fresh = "huyen.luong-tai", "203.0.113.90", "203.0.113.91"
    names += [user] + [f"ghost-{i}" for i in range(8)]
    addresses += [spray, fresh] + [f"198.51.100.{100 + i}" for i in range(8)]
    token_url = live_url + "/api/auth/token/"

    def wrong_password(i):  # one account, eight addresses
        return call(token_url, "POST", {"username": user, "password": f"sai-{i}"}, {"X-Forwarded-For": f"198.51.100.{100 + i}"})[0]

    def unknown_account(i):  # one address, eight accounts
        return call(token_url, "POST", {"username": f"ghost-{i}", "password": "sai"}, {"X-Forwarded-For": spray})[0]

    with ThreadPoolExecutor(max_workers=4) as pool:
        by_account = list(pool.map(wrong_password, range(8)))
        by_address = list(pool.map(unknown_account, range(8)))
    assert set(by_account) <= {400, 429} and 429 in by_account
    assert set(by_address) <= {400, 429} and 429 in by_address
    status, headers, body = call(token_url, "POST", {"username": user, "password": DEMO_PASSWORD}, {"X-Forwarded-For": fresh})
    assert status == 429 and headers["Retry-After"] == str(15 * 60)
    status, _, _ = call(token_url, "POST", {"username": "huyen.gia-binh", "password": DEMO_PASSWORD}, {"X-Forwarded-For": spray})
    assert status == 429
    names.append("huyen.gia-binh")
    with database() as conn:
        failures = conn.execute("SELECT count(*) FROM public.axes_accessfailurelog WHERE username = %s", [user]).fetchone()[0]
    assert failures >= LIMIT


def test_the_rate_limit_is_shared_by_separate_processes():
    """Three processes take the same limit at the same moment: exactly 5 actions pass in all (accounts.limits)."""
    key = f"limits-test-{os.getpid()}-{time.time_ns()}"
    start = time.time() + 4
    script = (
        "import os, sys, time; sys.path[:0] = ['platform', '.']; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'\n"
        "import django; django.setup()\n"
        "from accounts.limits import RateLimited, counted\n"
        f"time.sleep(max(0, {start} - time.time()))\n"
        "passed = 0\n"
        "for _ in range(4):\n"
        "    try:\n"
        f"        with counted({key!r}, limit=5, window_s=600):\n"
        "            passed += 1\n"
        "    except RateLimited:\n"
        "        pass\n"
        "print(passed)\n"
    )
    env = dict(os.environ, DB_NAME=settings.DATABASES["default"]["NAME"])
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    try:
        workers = [subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) for _ in range(3)]
        passed = [int(w.communicate(timeout=120)[0].strip().splitlines()[-1]) for w in workers]
    finally:
        with database() as conn:
            conn.execute("DELETE FROM public.sedp_cache WHERE cache_key LIKE %s", [f"%{key}%"])
    assert sum(passed) == 5, passed


class Relay:
    """A TCP relay in front of PostgreSQL that a test cuts and restores, as a database restart does to the server."""

    def __init__(self, port):
        self.target, self.open, self.sockets = port, True, []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        self.open = False
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.sockets = []

    def restore(self):
        self.open = True

    def close(self):
        self.cut()
        self.listener.close()


@pytest.fixture
def server_behind_relay(django_db_setup):
    """A gunicorn on the test database whose every database connection goes through a `Relay`."""
    db = settings.DATABASES["default"]
    relay = Relay(int(db["PORT"]))
    port = _free_port()
    env = dict(os.environ, DB_NAME=db["NAME"], DB_HOST="127.0.0.1", DB_PORT=str(relay.port), DJANGO_ALLOWED_HOSTS="127.0.0.1", RETRY_AFTER_S="20")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = open(ROOT / "var" / "test-server-relay.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--pythonpath", str(ROOT / "platform"),
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while call_or_none(url + "/healthz") != 200:
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError("the relay test server did not start; see var/test-server-relay.log")
        time.sleep(0.3)
    yield url, relay
    server.terminate()
    server.wait(timeout=30)
    relay.close()
    log.close()


def call_or_none(url):
    try:
        return call(url)[0]
    except OSError:
        return None


def test_while_the_database_is_unreachable_api_routes_answer_503_json_and_pages_a_short_vietnamese_page(server_behind_relay):
    url, relay = server_behind_relay
    assert call(url + "/api/districts/")[0] == 200
    relay.cut()
    for path in ("/api/districts/", "/d/yen-phong/api/district/", "/api/auth/token/"):
        method, data = ("POST", {"username": "tinh", "password": DEMO_PASSWORD}) if path.endswith("token/") else ("GET", None)
        status, headers, body = call(url + path, method, data)
        assert status == 503, (path, status, body[:300])
        assert headers["Content-Type"] == "application/json" and headers["Retry-After"] == "20"
        assert "Cơ sở dữ liệu tạm thời không truy cập được" in json.loads(body)["detail"]
    # Pages that read the database. (An anonymous "/plans/" is a redirect to the sign-in form, which needs no database
    # since the public tenant's row is kept per process (tenants.middleware): it renders, and signing in answers 503.)
    for path in ("/", "/d/yen-phong/", "/d/yen-phong/proposals/"):
        status, headers, body = call(url + path)
        assert status == 503, (path, status, body[:300])
        assert headers["Content-Type"].startswith("text/html") and headers["Retry-After"] == "20"
        assert "Hệ thống tạm ngừng trong giây lát" in body.decode()
    relay.restore()
    assert call(url + "/api/districts/")[0] == 200  # back as soon as the database is


@pytest.mark.browser
def test_api_docs_render_with_no_network_but_the_server(page, live_url):
    outside = []

    def only_the_server(route):
        if route.request.url.startswith(live_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag-section")
    assert "SEDP" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock").count() > 20
    # Grouped by API module ("investment: projects", …) and the plan cycle by step (core.openapi tags them): each tag is a section with its operations.
    for tag in ("proposals", "investment: projects", "plans: consultation"):
        assert page.locator(f".opblock-tag-section:has(h3[data-tag='{tag}']) .opblock").count() > 0, tag
    assert outside == []
