"""Figures of the phone's offline capture (issue 16), in Chromium as a phone against a real gunicorn server.

Prints (a) the bytes the phone keeps to work offline for one commune (Thị trấn Chờ, Yên Phong, signed in as the head of
Thôn 1): the service worker's cache (pages, scripts, styles, Leaflet and its images) and the offline bundle, each
resource by its size; and (b) the time to send 20 proposals, each with one camera photo (3000 × 2000 px, resized on the
phone to 1600 px JPEG), over Chromium's network emulation at a 3G profile (CDP Network.emulateNetworkConditions:
1.6 Mbit/s down, 750 kbit/s up, 150 ms latency), next to the same send unthrottled in the same run.

    .venv/bin/python bench/offline_sync.py            # scratch database sedp_bench_offline (BENCH_DB_NAME to change)
"""
import io
import os
import socket
import subprocess
import sys
import time
import uuid

from _setup import ROOT, django_on_scratch_database

PASSWORD = "bench-2026"
HEAD = "thon.09193-01"
PAGE = "/d/yen-phong/offline/"
PROFILE_3G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
COUNT = 20


def _port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _photo():
    from PIL import Image

    out = io.BytesIO()
    # A noisy picture, so the JPEG weighs like a photograph rather than a flat colour.
    Image.effect_noise((3000, 2000), 60).convert("RGB").save(out, "JPEG", quality=90)
    return {"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _queue_proposals(page, photo, tag):
    page.context.set_offline(True)
    for n in range(COUNT):
        page.click("#use-my-position")
        page.wait_for_selector("#proposal-form[data-has-geometry='1']")
        page.fill("#proposal-form input[name=title]", f"Đề xuất đo {tag} #{n + 1}")
        page.fill("#proposal-form input[name=estimated_cost]", "100.000.000")
        page.set_input_files("#proposal-form input[name=files]", photo)
        page.click("#proposal-form button[type=submit]")
        page.wait_for_function(f"() => document.querySelectorAll('#queue-items li[data-state=waiting]').length === {n + 1}")


def _send(page, cdp, conditions):
    flushed = int(page.evaluate("Number(document.body.dataset.flushed || 0)"))
    page.context.set_offline(False)
    if conditions:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", conditions)
    started = time.perf_counter()
    # Going online sends on its own (the `online` event); wait until every item is sent.
    page.wait_for_function(f"() => document.querySelectorAll('#queue-items li[data-state=waiting], #queue-items li[data-state=sending]').length === 0"
                           f" && Number(document.body.dataset.flushed || 0) > {flushed}", timeout=900_000)
    seconds = time.perf_counter() - started
    if conditions:
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    return seconds


def main():
    django_on_scratch_database(os.environ.get("BENCH_DB_NAME", "sedp_bench_offline"))
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from accounts.models import User

    if not User.objects.filter(username=HEAD).exists():
        call_command("load_demo", verbosity=0)
    User.objects.filter(username=HEAD).update(password=make_password(PASSWORD))
    from django.db import connection

    port = _port()
    env = dict(os.environ, DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", TILE_URL="")
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--pythonpath", str(ROOT / "platform"),
                               "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    connection.close()
    try:
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        run(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def run(url):
    from playwright.sync_api import sync_playwright

    from geo.models import AdministrativeUnit

    point = AdministrativeUnit.objects.get(code="09193-01").geom.point_on_surface
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        context = browser.new_context(base_url=url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                      locale="vi-VN", geolocation={"latitude": point.y, "longitude": point.x},
                                      permissions=["geolocation"], service_workers="allow")
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"/accounts/login/?next={PAGE}")
        page.fill("input[name=username]", HEAD)
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action='/accounts/login/'] button[type=submit]")
        page.wait_for_selector("body[data-offline-ready='1']")
        page.wait_for_selector("body[data-kept-offline='1']")
        page.wait_for_function("() => document.getElementById('mine-synced').textContent.includes('/')")
        sizes = page.evaluate("""async () => {
            const out = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    const body = await (await cache.match(request)).arrayBuffer();
                    out.push([new URL(request.url).pathname, body.byteLength]);
                }
            }
            const bundle = await OfflineQueue.meta("bundle:yen-phong");
            out.push(["IndexedDB: offline bundle (JSON)", new Blob([JSON.stringify(bundle)]).size]);
            return out;
        }""")
        print("(a) What the phone keeps to work offline for one commune (Thị trấn Chờ, as the head of Thôn 1):")
        for path, size in sorted(sizes, key=lambda r: -r[1]):
            print(f"    {size:>10,} B  {path}")
        print(f"    {sum(s for _, s in sizes):>10,} B  in all ({len(sizes)} resources, uncompressed)")

        photo = _photo()
        cdp = context.new_cdp_session(page)
        tag = uuid.uuid4().hex[:6]
        _queue_proposals(page, photo, tag + "a")
        fast = _send(page, cdp, None)
        _queue_proposals(page, photo, tag + "b")
        slow = _send(page, cdp, PROFILE_3G)
        stored = page.evaluate("OfflineQueue.list('yen-phong').then(items => items.filter(i => i.kind === 'proposal').map(i => i.photos[0].blob.size))")
        print(f"(b) Sending {COUNT} proposals with one photo each (camera JPEG {len(photo['buffer']):,} B, resized on the phone to "
              f"1600 px: median {sorted(stored)[len(stored) // 2]:,} B):")
        print(f"    unthrottled:                                   {fast:6.1f} s")
        print(f"    3G (1.6 Mbit/s down, 750 kbit/s up, 150 ms):   {slow:6.1f} s   ({slow / fast:.1f} × unthrottled, same run)")
        browser.close()


if __name__ == "__main__":
    main()
