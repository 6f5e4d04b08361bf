"""The deadline rush (issue 18 part 3): the days before 10 May, when step 1's proposals close (Decision 07/2015, Đ5).

A locust file, run by `bench/rush.sh` (or by hand: `locust -f bench/rush_locust.py --headless -u 60 -r 10 -t 60s
--host http://127.0.0.1:PORT`) against a live server started by `./deploy/up` on the database named by DB_NAME.
The demo accounts (`load_demo`) use API tokens that bench/rush.sh makes before the run (RUSH_TOKENS, a JSON
file): a password check costs ~0.5 s of CPU (PBKDF2), and 60 people signing in within the first seconds would
fill the whole minute on 2 cores. Without RUSH_TOKENS each simulated user signs in (`POST /api/auth/token/`,
password DEMO_PASSWORD, default demo-2026; named "login" in the results).

Who, and how many of them (locust user weights, i.e. the share of simulated people):
- village heads, 60 %: each of the eight districts' demo villages (444 generated ones) has one; in the last days they type in what
  the village meeting agreed, one proposal after another, most with a photo (multipart JPEG, made with Pillow),
  and look at their village's list. Writes dominate the rush, so they are most of the people.
- commune planning teams, 25 %: one per commune (126 in the demo); they read their commune's submitted
  proposals and decide (accept 60 %, defer 25 %, reject 15 % with a reason).
- district staff, 12 %: a Finance-Planning Office per district watching its map: the proposals layer (GeoJSON),
  OGC API Features items (QGIS), vector tiles (a map view is ~9 tiles), the cycle dashboard.
- province staff, 3 %: a handful of people reading the comparison, plan compliance, equity and the province tiles.
Think time 1–4 s between actions (a person filling a form, not a script).

Every simulated village head, commune team and district is a different demo account, taken in turn from the
database (villages with a point inside them, `ST_PointOnSurface`), so two simulated teams never decide the
same proposal. Coordinates: WGS 84 (EPSG:4326); tiles in Web Mercator z/x/y.
"""
import io
import itertools
import json
import math
import os
import random
import threading
from datetime import date
from pathlib import Path

import psycopg
from locust import HttpUser, between, events, task
from PIL import Image

PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-2026")
SECTORS = ["transport", "irrigation", "education", "health", "culture_sport", "environment_water"]


def _load_units():
    """(villages, communes, districts) of the demo data: village → (code, commune code, slug, lon, lat)."""
    conn = psycopg.connect(
        dbname=os.environ.get("DB_NAME", "sedp"), user=os.environ.get("DB_USER", "sedp"),
        password=os.environ.get("DB_PASSWORD", "sedp"), host=os.environ.get("DB_HOST", "127.0.0.1"),
        port=os.environ.get("DB_PORT", "5432"),
    )
    with conn:
        villages = conn.execute(
            """
            SELECT v.code, c.code, t.slug, ST_X(ST_PointOnSurface(v.geom)), ST_Y(ST_PointOnSurface(v.geom))
            FROM public.geo_administrativeunit v
            JOIN public.geo_administrativeunit c ON c.id = v.parent_id
            JOIN public.tenants_district t ON t.unit_id = c.parent_id
            WHERE v.level = 'village' AND v.is_current AND v.geom IS NOT NULL
            ORDER BY md5(v.code)
            """
        ).fetchall()
    communes = sorted({(v[1], v[2], v[3], v[4]) for v in villages}, key=lambda c: hash(c[0]))
    communes = list({c[0]: c for c in communes}.values())
    districts = sorted({v[2] for v in villages})
    return villages, communes, districts


VILLAGES, COMMUNES, DISTRICTS = _load_units()
_lock = threading.Lock()
_next_village, _next_commune, _next_district = itertools.count(), itertools.count(), itertools.count()


def _take(counter, items):
    with _lock:
        return items[next(counter) % len(items)]


def _jpeg(seed: int) -> bytes:
    """A real 800×600 JPEG photo-sized (~40 kB) picture, different per seed."""
    rnd = random.Random(seed)
    image = Image.effect_noise((800, 600), 40 + rnd.random() * 30).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


PHOTOS = [_jpeg(i) for i in range(8)]
# {username: API token}, written by bench/rush.sh (RUSH_TOKENS) before the run; without it every user signs in.
TOKENS = json.loads(Path(os.environ["RUSH_TOKENS"]).read_text()) if os.environ.get("RUSH_TOKENS") else {}


# Where each answer read from (its X-Read-From header: "replica", "primary", or none for a view that never reads the
# replica), counted per kind of request, and the X-Replica-Lag values seen; written as JSON to RUSH_READ_FROM when
# the run ends (bench/rush.sh sets it per configuration).
READ_FROM: dict[str, dict[str, int]] = {}
LAGS_SEEN: list[float] = []


@events.request.add_listener
def _count_read_from(name, response=None, **kwargs):
    if response is None or getattr(response, "headers", None) is None:
        return
    source = response.headers.get("X-Read-From", "none")
    with _lock:
        counts = READ_FROM.setdefault(name, {})
        counts[source] = counts.get(source, 0) + 1
        if "X-Replica-Lag" in response.headers:
            LAGS_SEEN.append(float(response.headers["X-Replica-Lag"]))


@events.quitting.add_listener
def _write_read_from(**kwargs):
    if os.environ.get("RUSH_READ_FROM"):
        Path(os.environ["RUSH_READ_FROM"]).write_text(json.dumps({"read_from": READ_FROM, "lags_seen": LAGS_SEEN}))


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    """Web Mercator tile (x, y) holding a WGS 84 point at zoom z."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 4)
    username = ""

    def sign_in(self, username):
        self.username = username
        if username in TOKENS:  # made before the run by bench/rush.sh: the run measures the rush, not 60 logins at once
            self.client.headers["Authorization"] = f"Token {TOKENS[username]}"
            return
        answer = self.client.post("/api/auth/token/", json={"username": username, "password": PASSWORD}, name="login")
        if answer.status_code == 200:
            self.client.headers["Authorization"] = f"Token {answer.json()['token']}"


class VillageHead(Person):
    weight = 60

    def on_start(self):
        self.village, self.commune, self.slug, self.lon, self.lat = _take(_next_village, VILLAGES)
        self.sign_in(f"thon.{self.village}")

    @task(6)
    def propose_with_photo(self):
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": {
                "commune": self.commune, "title": f"Bê tông hóa đường thôn, đoạn {random.randint(1, 999)}",
                "sector": random.choice(SECTORS), "estimated_cost": random.randint(50, 3000) * 1_000_000,
            },
        }
        answer = self.client.post(f"/d/{self.slug}/api/proposals/", json=feature, name="village: POST proposal")
        if answer.status_code == 201 and random.random() < 0.8:
            pk = answer.json()["id"]
            self.client.post(
                f"/d/{self.slug}/api/proposals/{pk}/attachments/",
                files={"file": (f"anh-{pk}.jpg", random.choice(PHOTOS), "image/jpeg")},
                name="village: POST photo (JPEG)",
            )

    @task(2)
    def own_list(self):
        self.client.get(f"/d/{self.slug}/api/proposals/?village={self.village}&page_size=100", name="village: GET own proposals")


class CommuneTeam(Person):
    weight = 25

    def on_start(self):
        self.commune, self.slug, _, _ = _take(_next_commune, COMMUNES)
        self.sign_in(f"xa.{self.commune}")
        self.waiting = []

    @task(2)
    def read_submitted(self):
        answer = self.client.get(
            f"/d/{self.slug}/api/proposals/?commune={self.commune}&status=submitted&page_size=50",
            name="commune: GET submitted proposals",
        )
        if answer.status_code == 200:
            self.waiting = [f["id"] for f in answer.json().get("features", [])]

    @task(3)
    def decide(self):
        if not self.waiting:
            return
        pk = self.waiting.pop(random.randrange(len(self.waiting)))
        decision = random.choices(["accept", "defer", "reject"], weights=[60, 25, 15])[0]
        self.client.post(
            f"/d/{self.slug}/api/proposals/{pk}/{decision}/", json={"reason": "Vượt khả năng ngân sách xã năm nay"},
            name="commune: POST decision",
        )


class DistrictStaff(Person):
    weight = 12

    def on_start(self):
        self.slug = _take(_next_district, DISTRICTS)
        self.sign_in(f"huyen.{self.slug}")
        points = [(v[3], v[4]) for v in VILLAGES if v[2] == self.slug]
        self.lon = sum(p[0] for p in points) / len(points)
        self.lat = sum(p[1] for p in points) / len(points)

    @task(3)
    def layer(self):
        self.client.get(f"/d/{self.slug}/api/proposals/?page_size=1000", name="district: GET proposals layer")

    @task(2)
    def ogc(self):
        self.client.get(f"/d/{self.slug}/ogc/collections/proposals/items?limit=500", name="district: GET OGC items")

    @task(4)
    def tiles(self):
        x0, y0 = tile_xy(self.lon, self.lat, 13)
        for dx, dy in itertools.product((-1, 0, 1), repeat=2):
            self.client.get(f"/d/{self.slug}/tiles/proposals/13/{x0 + dx}/{y0 + dy}.pbf", name="district: GET tile")

    @task(1)
    def dashboard(self):
        self.client.get(f"/d/{self.slug}/api/plans/dashboard/?plan_year={date.today().year + 1}", name="district: GET dashboard")


class ProvinceStaff(Person):
    weight = 3

    def on_start(self):
        self.sign_in("tinh")
        self.year = date.today().year

    @task(2)
    def compare(self):
        units = ",".join(random.sample([c[0] for c in COMMUNES], 4))
        self.client.get(f"/api/province/compare/?units={units}", name="province: GET compare")

    @task(2)
    def compliance(self):
        self.client.get(f"/api/province/plan-compliance/?year={self.year + 1}", name="province: GET plan compliance")

    @task(1)
    def equity(self):
        self.client.get(f"/api/province/equity/?year={self.year}", name="province: GET equity")

    @task(3)
    def tiles(self):
        x0, y0 = tile_xy(106.08, 21.12, 10)
        for dx, dy in itertools.product((-1, 0, 1), repeat=2):
            self.client.get(f"/tiles/investment-distribution-communes/10/{x0 + dx}/{y0 + dy}.pbf", name="province: GET tile")
