"""The streaming replica (geo/replica.py), for real: the second PostgreSQL cluster `deploy/test` starts (port 5433),
fed by streaming replication from the primary; it receives the test database as it receives everything.

The replica sees committed transactions only, so the tests that go through HTTP commit their rows outside any test
transaction (django_db_blocker, as the browser tests do) and remove them afterwards. They wait for the replica to
replay the primary's WAL by polling `pg_last_wal_replay_lsn()`, never by sleeping a fixed time.
"""
import subprocess
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from geo import replica
from tenants.models import District

PG = ["su", "postgres", "-c"]
# The test cluster is shared: other suites creating and dropping whole databases can put the replica minutes behind
# (measured: 4 min while seven suites ran), so a replica test first waits for it to catch up, up to this long.
REPLAY_TIMEOUT_S = 300


def _replica_cursor():
    return connections[replica.REPLICA].cursor()


def wait_for_replay():
    """Return once the replica has replayed everything the primary has written up to now (its current WAL position)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + REPLAY_TIMEOUT_S
    while True:
        with _replica_cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        assert time.monotonic() < deadline, f"the replica did not replay up to {target} in {REPLAY_TIMEOUT_S} s"
        time.sleep(0.05)


def replica_lag_now():
    with connection.cursor() as cursor:
        cursor.execute(replica.PRIMARY_LSN_SQL)
        primary_lsn = cursor.fetchone()[0]
    with _replica_cursor() as cursor:
        cursor.execute(replica.LAG_SQL, [primary_lsn])
        return cursor.fetchone()[0]


def last_commit_age_on_replica():
    """Seconds since the last transaction the replica replayed (what the lag fell back to when it was wrong)."""
    with _replica_cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8")
        return cursor.fetchone()[0]


def cluster(action):
    subprocess.run([*PG, f"pg_ctlcluster 15 replica {action} -- -t 300"], check=True, capture_output=True, timeout=330)


@pytest.fixture
def replica_on(settings, django_db_setup, django_db_blocker):
    """Replica reads on (deploy/test exports REPLICA_READS=0 for the rest of the suite), no test transaction."""
    assert settings.DATABASES["replica"]["NAME"].startswith("test_"), "the replica alias must read the test database"
    settings.REPLICA_READS = True
    settings.REPLICA_MAX_LAG_SECONDS = 30
    replica.forget_lag()
    with django_db_blocker.unblock():
        wait_for_replay()  # a test begins with a replica that has caught up (under REPLICA_MAX_LAG_SECONDS)
        yield
        connection.set_schema_to_public()
    replica.forget_lag()


def province_client():
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="tinh"))
    return client


def district_codes():
    return {d.slug: d.unit.code for d in District.objects.exclude(schema_name="public").select_related("unit")}


@pytest.mark.django_db(databases=["default", "replica"])
def test_a_district_read_routed_to_the_replica_reads_that_districts_schema_there(settings):
    settings.REPLICA_READS = True
    from proposals.models import Proposal

    yen_phong, que_vo = District.objects.get(slug="yen-phong"), District.objects.get(slug="que-vo")
    with _replica_cursor() as cursor:  # the demo proposals were committed when the session began
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        assert cursor.fetchone() == (True, settings.DATABASES["default"]["NAME"])
        cursor.execute(f'SELECT count(*) FROM "{yen_phong.schema_name}".proposals_proposal')
        in_yen_phong = cursor.fetchone()[0]
        cursor.execute(f'SELECT count(*) FROM "{que_vo.schema_name}".proposals_proposal')
        in_que_vo = cursor.fetchone()[0]
    assert in_yen_phong != in_que_vo
    token = replica._current.set(replica.ReplicaRead(alias=replica.REPLICA, lag=0.0))
    try:
        for district, expected in ((yen_phong, in_yen_phong), (que_vo, in_que_vo)):
            connection.set_tenant(district)  # as django-tenants' middleware does, on `default` only
            with CaptureQueriesContext(connections["replica"]) as on_replica, CaptureQueriesContext(connection) as on_primary:
                assert Proposal.objects.count() == expected
                with replica.read_connection().cursor() as cursor:
                    cursor.execute("SELECT current_schema()")
                    assert cursor.fetchone()[0] == district.schema_name
            assert any("proposals_proposal" in q["sql"] for q in on_replica.captured_queries)
            assert not any("proposals_proposal" in q["sql"] for q in on_primary.captured_queries)
            assert connections["replica"].schema_name == district.schema_name
    finally:
        replica._current.reset(token)


def test_migrations_never_run_on_the_replica():
    router = replica.ReplicaRouter()
    assert router.allow_migrate("replica", "proposals") is False
    assert router.allow_migrate("default", "proposals") is None


def test_a_write_on_the_primary_appears_in_the_province_figures_read_from_the_replica(replica_on):
    from investment.models import InvestmentProject, PublicInvestmentPlan
    from tests.investment.factories import make_plan, make_project

    codes = district_codes()
    url = f"/api/province/compare/?units={codes['yen-phong']},{codes['que-vo']}"
    client = province_client()

    def yen_phong_total():
        response = client.get(url)
        assert response.status_code == 200, response.content
        assert response["X-Read-From"] == "replica"
        return next(u for u in response.json()["units"] if u["code"] == codes["yen-phong"])["total_investment"]

    yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
    before = yen_phong_total()
    plan = make_plan(yen_phong, approve=True, name="Kế hoạch bản sao")
    project = make_project(yen_phong, code="REPLICA-1", plan=plan, total=7_777_000_000)
    connection.set_schema_to_public()
    try:
        wait_for_replay()
        assert yen_phong_total() == before + 7_777_000_000
    finally:
        connection.set_tenant(yen_phong)
        InvestmentProject.objects.filter(pk=project.pk).delete()
        PublicInvestmentPlan.objects.filter(pk=plan.pk).delete()  # the project's delete refreshed the rollup (province.services.on_project_deleted)
        connection.set_schema_to_public()


def test_a_tile_built_on_a_lagging_replica_is_kept_under_the_replicas_version(replica_on, settings):
    """Replay paused, a project committed on the primary: the province's tile, built on the replica, keeps the replica's
    version and data (its ETag names the replica's version, never the primary's newer one with older data); after
    resume the new figure appears under a new ETag."""
    import mapbox_vector_tile

    from geo import versions
    from investment.models import InvestmentProject, PublicInvestmentPlan
    from tests.geo.test_tiles import BAC_NINH, covering_tile
    from tests.investment.factories import CHO, make_plan, make_project, point

    settings.REPLICA_MAX_LAG_SECONDS = 3600  # the paused replica keeps serving (its lag is what this test is about)
    codes = district_codes()
    client = province_client()
    url = "/tiles/investment-distribution-districts/{}/{}/{}.pbf".format(*covering_tile(BAC_NINH, 8))

    def tile():
        replica.forget_lag()
        answer = client.get(url)
        assert answer.status_code == 200, answer.content[:300]
        assert answer["X-Read-From"] in ("replica", "primary")  # primary: it read the replica, then stored the tile
        features = mapbox_vector_tile.decode(answer.content)["investment-distribution-districts"]["features"]
        total = next(f["properties"]["total_investment"] for f in features if f["properties"]["code"] == codes["yen-phong"])
        return answer["ETag"].strip('"').split("-")[0], total

    def version_on_replica():
        return versions.version(using=connections[replica.REPLICA])

    version_before, total_before = tile()
    assert version_before == version_on_replica()
    yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
    with _replica_cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        plan = make_plan(yen_phong, approve=True, name="Kế hoạch bản sao chậm")
        project = make_project(yen_phong, code="REPLICA-LAG", plan=plan, geometry=point(CHO), total=6_666_000_000)
        connection.set_schema_to_public()
        assert versions.version() != version_before  # the primary has moved on; the paused replica has not
        assert version_on_replica() == version_before
        version_during, total_during = tile()
        assert (version_during, total_during) == (version_before, total_before)
    finally:
        with _replica_cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    try:
        wait_for_replay()
        version_after, total_after = tile()
        assert version_after == versions.version() != version_before
        assert total_after == total_before + 6_666_000_000
    finally:
        connection.set_tenant(yen_phong)
        InvestmentProject.objects.filter(pk=project.pk).delete()
        PublicInvestmentPlan.objects.filter(pk=plan.pk).delete()
        connection.set_schema_to_public()


def test_one_request_reads_one_state_on_a_lagging_replica(replica_on, settings):
    """rv13d finding 3: replay paused, a Yên Phong project committed on the primary. Cold distribution answers (their
    breaks and pages not cached) are built wholly on the replica: storing the breaks and the page in the cache (a write
    on the primary) no longer turns the request's reads to the primary, so every one answers the replica's figures."""
    from django.core.cache import caches

    from investment.models import InvestmentProject, PublicInvestmentPlan
    from province import selectors
    from tests.investment.factories import make_plan, make_project

    settings.REPLICA_MAX_LAG_SECONDS = 3600  # the paused replica keeps serving
    client = province_client()

    def total(year):
        caches["answers"].clear()
        selectors._breaks_here.clear()
        replica.forget_lag()
        answer = client.get(f"/api/province/investment-distribution/?level=commune&year={year}")
        assert answer.status_code == 200, answer.content[:300]
        assert answer["X-Read-From"] == "replica"
        return sum(f["properties"]["total_investment"] or 0 for f in answer.json()["features"])

    before = {year: total(year) for year in ("", "2027")}
    yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
    with _replica_cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        plan = make_plan(yen_phong, approve=True, name="Kế hoạch một trạng thái")
        project = make_project(yen_phong, code="REPLICA-ONE-STATE", plan=plan, total=10_000_000_000)
        connection.set_schema_to_public()
        during = {year: total(year) for year in ("", "2027")}
        assert during == before
    finally:
        with _replica_cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    try:
        wait_for_replay()
        assert total("") == before[""] + 10_000_000_000
    finally:
        connection.set_tenant(yen_phong)
        InvestmentProject.objects.filter(pk=project.pk).delete()
        PublicInvestmentPlan.objects.filter(pk=plan.pk).delete()
        connection.set_schema_to_public()


def test_a_cache_write_is_not_a_data_write():
    assert replica.writes_data('INSERT INTO "sedp_cache" (cache_key, value, expires) VALUES (%s, %s, %s)') is False
    assert replica.writes_data('UPDATE "sedp_cache" SET value = %s WHERE cache_key = %s') is False
    assert replica.writes_data('DELETE FROM "sedp_cache" WHERE cache_key < %s') is False
    assert replica.writes_data('INSERT INTO "investment_investmentproject" (code) VALUES (%s)') is True
    assert replica.writes_data('WITH d AS (DELETE FROM "sedp_cache" RETURNING 1) UPDATE t SET a = 1') is True


def test_the_lag_shown_is_the_one_measured_on_the_replica(replica_on):
    """Replay is paused, a row is committed, and the lag grows one second a second: the page's figure, measured
    during the request, and the one measured on the replica right after differ by at most the time between both
    measurements (timed here) plus the page's rounding to whole seconds (0.5 s)."""
    codes = district_codes()
    client = province_client()
    with _replica_cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")  # a committed transaction the paused replica does not replay
        deadline = time.monotonic() + REPLAY_TIMEOUT_S
        while (replica_lag_now() or 0) < 3:  # until the paused replica is measurably behind
            assert time.monotonic() < deadline
            time.sleep(0.1)
        replica.forget_lag()
        started = time.monotonic()
        page = client.get("/plans/")
        api = client.get(f"/api/province/compare/?units={codes['yen-phong']},{codes['que-vo']}")
        measured = replica_lag_now()
        elapsed = time.monotonic() - started
        assert page.status_code == 200 and api.status_code == 200
        assert api["X-Read-From"] == "replica"
        shown_api = float(api["X-Replica-Lag"])
        assert measured - elapsed - 0.1 <= shown_api <= measured + 0.1
        seconds = round(shown_api)
        assert f"Số liệu cập nhật cách đây {seconds} giây." in page.content.decode()
        # Over REPLICA_MAX_LAG_SECONDS the reads go to the primary, and the page says so.
        from django.conf import settings

        settings.REPLICA_MAX_LAG_SECONDS = 1
        replica.forget_lag()
        page = client.get("/plans/")
        assert page["X-Read-From"] == "primary"
        assert "Số liệu đọc từ cơ sở dữ liệu chính (bản sao chậm" in page.content.decode()
    finally:
        with _replica_cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


def test_with_the_replica_stopped_the_province_pages_answer_from_the_primary(replica_on):
    codes = district_codes()
    client = province_client()
    assert client.get("/province/compare/")["X-Read-From"] == "replica"
    cluster("stop")
    try:
        connections["replica"].close()
        replica.forget_lag()
        page = client.get("/province/compare/")
        assert page.status_code == 200
        assert page["X-Read-From"] == "primary" and "X-Replica-Lag" not in page
        assert "Số liệu đọc từ cơ sở dữ liệu chính (bản sao không trả lời)." in page.content.decode()
        plans = client.get("/plans/")
        assert plans.status_code == 200 and plans["X-Read-From"] == "primary"
        for url in (f"/api/province/compare/?units={codes['yen-phong']},{codes['que-vo']}", "/api/province/equity/",
                    "/tiles/investment-distribution-districts/8/203/113.pbf"):
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.content[:300])
            assert answer["X-Read-From"] == "primary"
    finally:
        cluster("start")
        connections["replica"].close()
        replica.forget_lag()
    deadline = time.monotonic() + REPLAY_TIMEOUT_S
    while replica.decide().alias != replica.REPLICA:  # back in service once it answers and has caught up
        assert time.monotonic() < deadline
        replica.forget_lag()
        time.sleep(0.2)
    assert client.get("/province/compare/")["X-Read-From"] == "replica"


def test_a_request_that_writes_then_reads_reads_the_primary(replica_on):
    """An opted-in GET view that writes: every read after the write goes to the primary (and sees the write
    before the replica could have it); a POST to an opted-in view never reads the replica at all."""
    from django.test import RequestFactory

    from core.models import PlanStep, StepDeadline

    probe = {"step": PlanStep.values[0], "from_plan_year": 2999}
    seen = {}

    @replica.reads_replica
    def view(request):
        from django.http import HttpResponse

        with CaptureQueriesContext(connections["replica"]) as before_write:
            seen["before"] = StepDeadline.objects.filter(**probe).exists()
        StepDeadline.objects.get_or_create(**probe, defaults={"month": 1, "day": 2, "note": "replica write probe"})
        with CaptureQueriesContext(connections["replica"]) as after_write:
            seen["after"] = StepDeadline.objects.filter(**probe).exists()
        seen["replica_before"] = sum("province_stepdeadline" in q["sql"] for q in before_write.captured_queries)
        seen["replica_after"] = sum("province_stepdeadline" in q["sql"] for q in after_write.captured_queries)
        return HttpResponse("ok")

    middleware = replica.ReplicaMiddleware(lambda request: middleware.process_view(request, view, (), {}) or view(request))
    try:
        response = middleware(RequestFactory().get("/"))
        assert seen == {"before": False, "after": True, "replica_before": 1, "replica_after": 0}
        assert response["X-Read-From"] == "primary"  # it began on the replica, but after its write it read the primary
        assert replica.current() is None  # nothing leaks into the next request
        assert not connection.execute_wrappers
        posted = middleware(RequestFactory().post("/"))
        assert "X-Read-From" not in posted
    finally:
        StepDeadline.objects.filter(**probe).delete()


def test_a_quiet_primary_is_not_a_lagging_replica(replica_on, settings):
    """No commit for longer than REPLICA_MAX_LAG_SECONDS, the replica has replayed everything: the lag is 0 and the
    reads stay on the replica. (The lag was the age of the last replayed commit whenever the replica's received and
    replayed WAL positions differed, which they almost always do: receive is page-aligned, replay ends at a record.)"""
    codes = district_codes()
    client = province_client()
    settings.REPLICA_MAX_LAG_SECONDS = 0.5  # small, so that the shared test cluster gives a quiet moment long enough
    wait_for_replay()
    # The scenario is a quiet cluster: no commit for 1 s (twice the setting) and no WAL the replica has not
    # replayed (a long transaction of another suite writes WAL without committing). The test cluster is shared with
    # other suites, so wait for such a moment rather than sleeping once.
    deadline = time.monotonic() + REPLAY_TIMEOUT_S
    while True:
        age = last_commit_age_on_replica()
        if age is not None and age > 1 and replica_lag_now() == 0:
            break
        assert time.monotonic() < deadline, "no quiet moment of 1 s on the shared test cluster"
        time.sleep(0.05)
    replica.forget_lag()
    decision = replica.decide()
    assert (decision.alias, decision.lag, decision.fallback) == (replica.REPLICA, 0.0, "")
    answer = client.get(f"/api/province/compare/?units={codes['yen-phong']},{codes['que-vo']}")
    assert answer.status_code == 200
    assert answer["X-Read-From"] == "replica" and answer["X-Replica-Lag"] == "0.0"


def test_a_districts_own_tiles_read_the_primary_and_the_provinces_the_replica(replica_on):
    """A commune that posts then reloads its map must see its pin: /d/<slug>/tiles/… reads the primary (no replica
    headers); the province's /tiles/… reads the replica."""
    from accounts.models import User
    from geo.tiles import REGISTRY

    district_layer = next(layer.name for layer in REGISTRY.values() if layer.district_level)
    client = Client()
    client.force_login(User.objects.get(username="huyen.yen-phong"))
    for url in (f"/d/yen-phong/tiles/{district_layer}/8/203/113.pbf", f"/d/yen-phong/tiles/{district_layer}.json",
                "/d/yen-phong/tiles/"):
        answer = client.get(url)
        assert answer.status_code in (200, 204), (url, answer.content[:300])
        assert "X-Read-From" not in answer and "X-Replica-Lag" not in answer, url
    province = province_client().get("/tiles/investment-distribution-districts/8/203/113.pbf")
    assert province.status_code == 200 and province["X-Read-From"] == "replica"


@pytest.mark.parametrize("sql, writes", [
    ("SELECT 1", False), ("  select * from t where updated_at > now()", False), ('SET search_path = "a", public', False),
    ("INSERT INTO t VALUES (1)", True), ("UPDATE t SET a = 1", True), ("SELECT * FROM t FOR UPDATE", True),
    ("WITH d AS (DELETE FROM t RETURNING id) SELECT * FROM d", True), ("CREATE TABLE t (a int)", True),
])
def test_which_statements_count_as_writes(sql, writes):
    assert replica.writes(sql) is writes
