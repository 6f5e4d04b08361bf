"""Shared fixtures: one real PostGIS test database with Bắc Ninh loaded and its 8 district schemas.

Tenant schemas are expensive, so they are provisioned once per session (committed); each test
then runs in a transaction that is rolled back (the `db` fixture), or against a live server.
"""
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "demo-2026"
# Playwright's sync API keeps an event loop in the main thread; Django's async-safety check
# would then refuse ORM calls made by fixtures in the same thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # pytest-django creates the test database only when a collected test is marked django_db; a
    # browser-only run must mark its module so, and anything else stops here rather than loading
    # fixtures into the working database.
    name = connection.settings_dict["NAME"]
    if not name.startswith("test"):
        raise RuntimeError(f"refusing to load fixtures into {name!r}: mark the tests django_db so a test database is made")
    with django_db_blocker.unblock():
        call_command("setup_province", verbosity=0)
        call_command("load_demo", verbosity=0)
        # The shell's DEMO_PASSWORD may differ from the one the tests log in with.
        from django.contrib.auth.hashers import make_password

        from accounts.models import User

        User.objects.filter(is_demo=True).update(password=make_password(DEMO_PASSWORD))
    yield
    # Whatever still holds the test database (a server worker, another thread's connection) must
    # let go, or pytest-django cannot drop it.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(autouse=True)
def public_schema_after_test():
    yield
    connection.set_schema_to_public()


@pytest.fixture
def district(db):
    """A district tenant by slug."""
    from tenants.models import District

    def get(slug="yen-phong"):
        return District.objects.select_related("unit").get(slug=slug)

    return get


@pytest.fixture
def client_for(db):
    """A Django test client logged in as a (demo) user; requests go through all the middleware."""
    from accounts.models import User

    def make(username):
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        return client

    return make


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_url(django_db_setup):
    """A real gunicorn server on the test database, for HTTP over a socket and for Chromium."""
    from django.conf import settings

    port = _free_port()
    # The worker class, threads and timeout of deploy/up (deploy/gunicorn.conf.py), with two workers; TMPDIR of its
    # own so that a test can find the server's LibreOffice conversions (their folders) in /proc.
    tmp = ROOT / "var" / f"test-server-tmp-{port}"
    tmp.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DB_NAME=settings.DATABASES["default"]["NAME"], DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
               WEB_WORKERS="2", TMPDIR=str(tmp))
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = open(ROOT / "var" / "test-server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "--pythonpath", str(ROOT / 'platform'), "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded machine took over 30 s to import Django in the workers
    import urllib.request

    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the test server did not start; see var/test-server.log")
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=30)
    log.close()
    shutil.rmtree(tmp, ignore_errors=True)


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="vi-VN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "locale": "vi-VN",
         "permissions": ["geolocation"], "service_workers": "allow"}


@pytest.fixture
def phone(browser, live_url):
    """A phone in Chromium: `phone(latitude, longitude)` opens a 390×844 touch context with geolocation granted at
    that place and service workers allowed (the live server is http://127.0.0.1, a secure context), and answers
    its page; `phone.sign_in(page, username, next_url)` signs in through the login form. Closed after the test."""
    contexts = []

    def make(latitude, longitude):
        context = browser.new_context(base_url=live_url, geolocation={"latitude": latitude, "longitude": longitude}, **PHONE)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        return page

    def sign_in(page, username, next_url, password=DEMO_PASSWORD):
        page.goto(f"/accounts/login/?next={next_url}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form[action='/accounts/login/'] button[type=submit]")
        page.wait_for_url(f"**{next_url}")

    make.sign_in = sign_in
    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def login(page):
    """Log in through the real login form."""

    def do(username, password=DEMO_PASSWORD, next_url="/"):
        page.goto(f"/accounts/login/?next={next_url}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form[action='/accounts/login/'] button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return do


def click_map_shape(page, shape, shown, *, rounds=4):
    """Click the Leaflet shapes matching `shape` that lie in the viewport until `shown` appears; return it.

    Two things make a single click at the first shape flaky: a click that lands while the map is still zooming
    (fitBounds animates, and on a loaded CI machine the animation outlasts the click) hits the place the shape is
    leaving, and committed data of an earlier browser test can put another shape first, outside the view. A user
    would click again, or click the right one; so does this. Fails with Playwright's TimeoutError if `shown` never
    appears."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    viewport = page.viewport_size
    for _round in range(rounds):
        shapes = page.locator(shape)
        for index in range(shapes.count()):
            box = shapes.nth(index).bounding_box()
            if not box or not (0 <= box["x"] + box["width"] / 2 < viewport["width"] and 0 <= box["y"] + box["height"] / 2 < viewport["height"]):
                continue
            shapes.nth(index).click(force=True)
            try:
                return page.wait_for_selector(shown, timeout=2000)
            except PlaywrightTimeout:
                continue
        page.wait_for_timeout(500)
    return page.wait_for_selector(shown, timeout=1)


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker):
    """The OpenAPI document as a client gets it (real HTTP through the middleware), to compare real answers with."""
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()
